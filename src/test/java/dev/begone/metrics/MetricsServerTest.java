package dev.begone.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Classifier;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import dev.begone.daemon.Cycle;
import dev.begone.daemon.Failure;
import dev.begone.daemon.FailureKind;
import dev.begone.daemon.Health;
import dev.begone.imap.LoginFailedException;
import dev.begone.pipeline.PipelineListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /metrics} and {@code /healthz} scraped over HTTP from a server on a free loopback port. */
@Timeout(30)
class MetricsServerTest {
    private static final Duration RETRY = Duration.ofSeconds(60);
    private static final Verdict SPAM = new Verdict(Outcome.SPAM, 9.0, 5.0, 4.0, List.of("GTUBE"));

    private final Metrics metrics = new Metrics(List.of("alice", "bob"));
    private final AtomicReference<List<Health>> health = new AtomicReference<>(List.of());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MetricsServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, metrics, health::get);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void everyAccountHasItsSeriesFromTheFirstScrape() throws Exception {
        String text = get("/metrics").body();
        for (String account : List.of("alice", "bob")) {
            assertTrue(text.contains("begone_imap_errors_total{account=\"" + account + "\",reason=\"login\"} 0.0\n"), text);
            assertTrue(text.contains("begone_imap_reconnects_total{account=\"" + account + "\"} 0.0\n"), text);
            assertTrue(text.contains("begone_cycle_failures_total{account=\"" + account + "\",cycle=\"scan\"} 0.0\n"), text);
        }
    }

    @Test
    void pipelineAndWatcherEventsAreCountedPerAccount() throws Exception {
        PipelineListener alice = metrics.pipelineListener("alice");
        alice.scored("INBOX", 1, SPAM);
        alice.scored("INBOX", 2, SPAM);
        alice.skipped("INBOX", 3, "too big");
        alice.filed("INBOX", "move", 2, "Junk");
        alice.learned("Spam-training", 7, Label.SPAM, LearnResult.LEARNED);
        metrics.failed(new Failure("bob", "INBOX", null, FailureKind.LOGIN, new LoginFailedException("login as bob failed", null),
                RETRY, true));
        metrics.failed(new Failure("bob", null, Cycle.PERIODIC, FailureKind.LOGIN, new LoginFailedException("login as bob failed", null),
                RETRY, false));
        metrics.watching("alice", "INBOX", true, true);
        metrics.cycleSucceeded("alice", Cycle.SCAN, Instant.parse("2026-12-03T08:00:00Z"), Duration.ofMillis(40));

        String text = get("/metrics").body();
        for (String line : List.of(
                "begone_messages_scanned_total{account=\"alice\",outcome=\"spam\"} 2.0",
                "begone_messages_scanned_total{account=\"alice\",outcome=\"skipped\"} 1.0",
                "begone_messages_filed_total{account=\"alice\",action=\"move\"} 2.0",
                "begone_messages_learnt_total{account=\"alice\",label=\"spam\",result=\"learned\"} 1.0",
                "begone_imap_errors_total{account=\"bob\",reason=\"login\"} 2.0",
                "begone_imap_errors_total{account=\"alice\",reason=\"login\"} 0.0",
                "begone_cycle_failures_total{account=\"bob\",cycle=\"periodic\"} 1.0",
                "begone_imap_reconnects_total{account=\"alice\"} 1.0",
                "begone_last_good_cycle_timestamp_seconds{account=\"alice\"} 1.7962848E9")) {
            assertTrue(text.contains(line + "\n"), "missing " + line + " in\n" + text);
        }
    }

    @Test
    void classifierLatencyIsAHistogramPerAccountAndClassifier() throws Exception {
        Classifier timed = metrics.timed("alice", new Classifier() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public Verdict classify(byte[] message) {
                return SPAM;
            }

            @Override
            public LearnResult learn(byte[] message, Label label) {
                return LearnResult.LEARNED;
            }
        });
        assertEquals(SPAM, timed.classify(new byte[0]));
        assertEquals(SPAM, timed.process(new byte[0]).verdict());

        String text = get("/metrics").body();
        assertTrue(text.contains("begone_classifier_latency_seconds_count{account=\"alice\",classifier=\"stub\"} 2\n"), text);
        assertTrue(text.contains("begone_classifier_latency_seconds_bucket{account=\"alice\",classifier=\"stub\",le=\"30.0\"} 2\n"), text);
    }

    @Test
    void healthzIs200WhenEveryAccountIsHealthyAnd503WithTheReasonOtherwise() throws Exception {
        health.set(List.of(new Health("alice", true, "last good cycle at 2026-12-03T08:00:00Z"),
                new Health("bob", true, "started at 2026-12-03T07:59:00Z")));
        HttpResponse<String> ok = get("/healthz");
        assertEquals(200, ok.statusCode());
        assertEquals("alice: ok, last good cycle at 2026-12-03T08:00:00Z\nbob: ok, started at 2026-12-03T07:59:00Z\n", ok.body());

        health.set(List.of(new Health("alice", true, "last good cycle at 2026-12-03T08:00:00Z"),
                new Health("bob", false, "the server refuses the login")));
        HttpResponse<String> failing = get("/healthz");
        assertEquals(503, failing.statusCode());
        assertEquals("alice: ok, last good cycle at 2026-12-03T08:00:00Z\nbob: FAILING, the server refuses the login\n",
                failing.body());

        assertEquals(404, get("/").statusCode());
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
