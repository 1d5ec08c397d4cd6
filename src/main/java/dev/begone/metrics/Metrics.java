package dev.begone.metrics;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Processed;
import dev.begone.classify.Verdict;
import dev.begone.daemon.Cycle;
import dev.begone.daemon.Failure;
import dev.begone.daemon.FailureKind;
import dev.begone.daemon.WatchListener;
import dev.begone.pipeline.PipelineListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code /metrics} shows, every series labelled with its account. Fed by the watchers ({@link WatchListener}),
 * by each account's pipeline ({@link #pipelineListener}) and by a timing wrapper around its classifier
 * ({@link #timed}). Prometheus' counters need no lock, so accounts never wait on each other here.
 */
public final class Metrics implements WatchListener {
    /** Seconds: a builtin verdict takes microseconds, spamd tens of milliseconds, a loaded server seconds. */
    private static final double[] LATENCY_BOUNDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter scanned = Counter.builder().name("begone_messages_scanned")
            .help("Messages classified, by verdict; 'skipped' were not classified this time")
            .labelNames("account", "outcome").register(registry);
    private final Counter filed = Counter.builder().name("begone_messages_filed")
            .help("Messages acted on, confirmed by the server and recorded, by action")
            .labelNames("account", "action").register(registry);
    private final Counter learnt = Counter.builder().name("begone_messages_learnt")
            .help("Messages taught to the classifier, by label and result")
            .labelNames("account", "label", "result").register(registry);
    private final Histogram latency = Histogram.builder().name("begone_classifier_latency_seconds")
            .help("Time to classify one message, failures included")
            .labelNames("account", "classifier").classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Counter imapErrors = Counter.builder().name("begone_imap_errors")
            .help("Failed IMAP connections and cycles failed by the mail server; reason login: the login was refused")
            .labelNames("account", "reason").register(registry);
    private final Counter cycles = Counter.builder().name("begone_cycles")
            .help("Scan, training and periodic cycles that finished without error")
            .labelNames("account", "cycle").register(registry);
    private final Counter cycleFailures = Counter.builder().name("begone_cycle_failures")
            .help("Scan, training and periodic cycles that failed, whatever the cause; each is retried after a backoff")
            .labelNames("account", "cycle").register(registry);
    private final Counter reconnects = Counter.builder().name("begone_imap_reconnects")
            .help("Waiting connections opened again after one failed")
            .labelNames("account").register(registry);
    private final Gauge lastGoodCycle = Gauge.builder().name("begone_last_good_cycle_timestamp_seconds")
            .help("When the account last finished a cycle without error (Unix time)")
            .labelNames("account").register(registry);

    /** @param accounts every account, so that their series exist (at zero) from the first scrape */
    public Metrics(List<String> accounts) {
        for (String a : accounts) {
            for (FailureKind k : List.of(FailureKind.LOGIN, FailureKind.MAIL_SERVER)) imapErrors.initLabelValues(a, lower(k));
            for (Cycle c : Cycle.values()) {
                cycles.initLabelValues(a, lower(c));
                cycleFailures.initLabelValues(a, lower(c));
            }
            reconnects.initLabelValues(a);
        }
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** Counts what the pipeline does for {@code account}. */
    public PipelineListener pipelineListener(String account) {
        return new PipelineListener() {
            @Override
            public void scored(String folder, long uid, Verdict verdict) {
                scanned.labelValues(account, lower(verdict.outcome())).inc();
            }

            @Override
            public void skipped(String folder, long uid, String reason) {
                scanned.labelValues(account, "skipped").inc();
            }

            @Override
            public void learned(String folder, long uid, Label label, LearnResult result) {
                learnt.labelValues(account, lower(label), lower(result)).inc();
            }

            @Override
            public void filed(String folder, String action, long messages, String target) {
                filed.labelValues(account, action).inc(messages);
            }
        };
    }

    /** {@code classifier} with every classification timed into the latency histogram. */
    public Classifier timed(String account, Classifier classifier) {
        var timings = latency.labelValues(account, classifier.name());
        return new Classifier() {
            @Override
            public String name() {
                return classifier.name();
            }

            @Override
            public Verdict classify(byte[] message) throws ClassifierException {
                return time(() -> classifier.classify(message));
            }

            @Override
            public Processed process(byte[] message) throws ClassifierException {
                return time(() -> classifier.process(message));
            }

            private <T> T time(Call<T> call) throws ClassifierException {
                long start = System.nanoTime();
                try {
                    return call.run();
                } finally {
                    timings.observe((System.nanoTime() - start) / 1e9);
                }
            }

            @Override
            public LearnResult learn(byte[] message, Label label) throws ClassifierException {
                return classifier.learn(message, label);
            }

            @Override
            public void sync(Map<String, Label> lessons) throws ClassifierException {
                classifier.sync(lessons);
            }

            @Override
            public Map<String, Label> lastSynced() {
                return classifier.lastSynced();
            }

            @Override
            public void close() throws ClassifierException {
                classifier.close();
            }
        };
    }

    private interface Call<T> {
        T run() throws ClassifierException;
    }

    @Override
    public void watching(String account, String folder, boolean reconnected, boolean idle) {
        if (reconnected) reconnects.labelValues(account).inc();
    }

    @Override
    public void cycleSucceeded(String account, Cycle cycle, Instant at, Duration took) {
        cycles.labelValues(account, lower(cycle)).inc();
        lastGoodCycle.labelValues(account).set(at.toEpochMilli() / 1000.0);
    }

    @Override
    public void failed(Failure f) {
        if (f.kind() != FailureKind.OTHER) imapErrors.labelValues(f.account(), lower(f.kind())).inc();
        if (f.cycle() != null) cycleFailures.labelValues(f.account(), lower(f.cycle())).inc();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
