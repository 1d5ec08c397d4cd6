package dev.begone.bench;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.LearnResult;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.classify.rspamd.RspamdClassifier;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.Label;
import dev.begone.cli.Main;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Rspamd;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bench/learn-throughput: {@code begone learn} on training folders of corpus messages in Dovecot (login, fetch, learn,
 * move to learned folders, journal) beside the classifier's raw learn rate on the same messages at the same
 * concurrency without IMAP, per classifier. Each measurement teaches a fresh classifier (a new spamd Bayes, a new
 * Rspamd with its own Redis, a new built-in model), since a second lesson of the same message is no lesson. Prints
 * figures; asserts nothing.
 *
 * <p>Arguments: messages (default 1000), jobs (default 2), classifiers (default builtin,spamd,rspamd).
 */
public final class LearnThroughputBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> names = List.of((args.length > 2 ? args[2] : "builtin,spamd,rspamd").split(","));
        Path corpus = SharedCorpus.root().orElseThrow(() -> new IllegalStateException("../shared/corpus not found"));
        List<SharedCorpus.Entry> entries = SharedCorpus.sampleEntries(corpus, n);
        Path tmp = Files.createTempDirectory("begone-learn-bench");
        System.out.printf("bench: %d corpus messages (%d spam, %d bytes), jobs=%d, cores=%d%n", entries.size(),
                entries.stream().filter(SharedCorpus.Entry::spam).count(), entries.stream().mapToLong(e -> e.message().length).sum(),
                jobs, Runtime.getRuntime().availableProcessors());
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(tmp.resolve("dovecot")))) {
            for (String name : names) {
                Path dir = Files.createDirectories(tmp.resolve(name));
                // Raw before and after, each on a fresh classifier, so that a busy machine shifts both sides alike.
                double raw1 = raw(name, dir.resolve("raw1"), entries, jobs);
                double begone = begone(name, dir.resolve("begone"), dovecot, entries, jobs);
                double raw2 = raw(name, dir.resolve("raw2"), entries, jobs);
                double raw = (raw1 + raw2) / 2;
                System.out.printf("%-8s raw %8.1f msgs/s (%.1f before, %.1f after)   begone learn %8.1f msgs/s   ratio %.3f%n",
                        name, raw, raw1, raw2, begone, begone / raw);
            }
        }
    }

    /** Learns every message straight into a fresh classifier, {@code jobs} at once; messages per second. */
    private static double raw(String name, Path dir, List<SharedCorpus.Entry> entries, int jobs) throws Exception {
        Files.createDirectories(dir);
        try (Backend backend = Backend.start(name, dir, jobs); Classifier c = backend.classifier()) {
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            try {
                long t0 = System.nanoTime();
                List<Future<LearnResult>> futures = new ArrayList<>();
                for (SharedCorpus.Entry e : entries) futures.add(pool.submit(() -> c.learn(e.message(), e.spam() ? Label.SPAM : Label.HAM)));
                int learnt = 0;
                for (Future<LearnResult> f : futures) if (f.get() == LearnResult.LEARNED) learnt++;
                c.sync(Map.of());
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-8s raw: %d messages (%d learnt) in %.2f s%n", name, entries.size(), learnt, seconds);
                return entries.size() / seconds;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** {@code begone learn} in this JVM on report_spam and report_ham holding the messages; messages per second. */
    private static double begone(String name, Path dir, Dovecot dovecot, List<SharedCorpus.Entry> entries, int jobs)
            throws Exception {
        Files.createDirectories(dir);
        String user = "alice";
        List<byte[]> spam = entries.stream().filter(SharedCorpus.Entry::spam).map(SharedCorpus.Entry::message).toList();
        List<byte[]> ham = entries.stream().filter(e -> !e.spam()).map(SharedCorpus.Entry::message).toList();
        dovecot.replace(user, Map.of("report_spam", spam, "report_ham", ham, "learned_spam", List.of(), "learned_ham", List.of()));
        try (Backend backend = Backend.start(name, dir, jobs)) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    accounts:
                      - name: bench
                        classifier: %s
                        %s
                        jobs: %d
                        partial-run: 0
                        max-size: 100000000
                        imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s, user: %s, password: { env: PW } }
                        folders: { scan: [INBOX], spam: Junk }
                        training:
                          learn-spam: [report_spam]
                          learn-ham: [report_ham]
                          after: { spam: learned_spam, ham: learned_ham }
                    """.formatted(name, backend.configKeys(), jobs, dovecot.imapsPort(), dovecot.certPem(), user));
            Map<String, String> env = Map.of("PW", Dovecot.PASSWORDS.get(user), "HOME", dir.toString(),
                    "XDG_STATE_HOME", dir.resolve("state").toString());
            StringWriter out = new StringWriter();
            long t0 = System.nanoTime();
            int exit = Main.run(new String[] {"learn", "--config", config.toString()}, new PrintWriter(out), new PrintWriter(out), env);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (exit != 0) throw new IllegalStateException("begone learn exited " + exit + ":\n" + out);
            System.out.printf("%-8s begone learn: %d messages in %.2f s (login, fetch, learn, move, journal)%n", name,
                    entries.size(), seconds);
            return entries.size() / seconds;
        }
    }

    /** A fresh classifier server (or none, for the built-in one) and how a configuration names it. */
    private record Backend(String name, AutoCloseable server, Path dir, int port, Rspamd rspamd, int jobs) implements AutoCloseable {
        static Backend start(String name, Path dir, int jobs) throws Exception {
            return switch (name) {
                case "builtin" -> new Backend(name, null, dir, 0, null, jobs);
                case "spamd" -> {
                    Spamd s = Spamd.start(Files.createDirectories(dir.resolve("spamd")), Spamd.Config.DEFAULT.withMaxChildren(jobs));
                    yield new Backend(name, s, dir, s.port(), null, jobs);
                }
                case "rspamd" -> {
                    Rspamd r = Rspamd.start(Files.createDirectories(dir.resolve("rspamd")));
                    Files.writeString(dir.resolve("rspamd.pw"), Rspamd.PASSWORD + "\n");
                    yield new Backend(name, r, dir, 0, r, jobs);
                }
                default -> throw new IllegalArgumentException("unknown classifier " + name);
            };
        }

        Classifier classifier() throws ClassifierException {
            return switch (name) {
                case "builtin" -> BuiltinClassifier.load(dir.resolve("model"), BuiltinOptions.defaults());
                case "spamd" -> new SpamdClassifier(((Spamd) server).options().withMaxConcurrent(jobs));
                default -> new RspamdClassifier(rspamd.options().withMaxConcurrent(jobs));
            };
        }

        String configKeys() {
            return switch (name) {
                case "builtin" -> "";
                case "spamd" -> "spamd: 127.0.0.1:" + port;
                default -> "rspamd: " + rspamd.scanner() + "\n    rspamd-controller: " + rspamd.controller()
                        + "\n    rspamd-password-file: " + dir.resolve("rspamd.pw");
            };
        }

        @Override
        public void close() throws Exception {
            if (server != null) server.close();
        }
    }
}
