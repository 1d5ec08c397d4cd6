package dev.begone.classify.spamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Processed;
import dev.begone.classify.Verdict;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SpamdClassifier against a real spamd 4 started for this class. */
@Timeout(300)
class SpamdClassifierTest {
    @TempDir
    static Path dir;
    private static Spamd spamd;
    private static SpamdClassifier classifier;

    @BeforeAll
    static void startSpamd() throws Exception {
        spamd = Spamd.start(dir);
        classifier = new SpamdClassifier(spamd.options());
    }

    @AfterAll
    static void stopSpamd() throws Exception {
        if (spamd != null) spamd.close();
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        classifier.ping();
    }

    @Test
    void gtubeIsSpamWithScoreAndSymbols() throws Exception {
        Verdict v = classifier.classify(Spamd.gtube(1));
        assertEquals(Outcome.SPAM, v.outcome(), spamd.logs());
        assertTrue(v.score() >= 1000, "score " + v.score());
        assertEquals(5.0, v.threshold());
        assertEquals(v.score() - 5.0, v.logOdds());
        assertTrue(v.reasons().contains("GTUBE"), v.reasons().toString());
    }

    @Test
    void plainLetterIsHam() throws Exception {
        Verdict v = classifier.classify(Spamd.letter(2));
        assertEquals(Outcome.HAM, v.outcome(), v.toString());
        assertTrue(v.score() < 5.0);
        assertTrue(v.logOdds() < 0);
    }

    @Test
    void processAddsSpamAssassinHeaders() throws Exception {
        byte[] letter = Spamd.letter(3);
        Processed p = classifier.process(letter);
        String out = new String(p.message(), StandardCharsets.UTF_8);
        assertEquals(Outcome.HAM, p.verdict().outcome());
        assertTrue(out.startsWith("X-Spam-Checker-Version: SpamAssassin"), out);
        assertTrue(out.contains("\r\nX-Spam-Status: No, score="), out);
        assertTrue(out.endsWith(new String(letter, StandardCharsets.UTF_8)), "report_safe 0 keeps the message after the added block");
    }

    @Test
    void reportEndsWithTheRuleTable() throws Exception {
        String report = classifier.report(Spamd.gtube(4));
        assertTrue(report.contains("pts rule name"), report);
        assertTrue(report.contains("GTUBE"), report);
    }

    @Test
    void learningTwiceIsAlreadyKnownNotAnError() throws Exception {
        byte[] spam = Spamd.gtube(5);
        assertEquals(LearnResult.LEARNED, classifier.learn(spam, Label.SPAM));
        assertEquals(LearnResult.ALREADY_KNOWN, classifier.learn(spam, Label.SPAM));
        byte[] ham = Spamd.letter(5);
        assertEquals(LearnResult.LEARNED, classifier.learn(ham, Label.HAM));
        assertEquals(LearnResult.ALREADY_KNOWN, classifier.learn(ham, Label.HAM));
        assertEquals(LearnResult.LEARNED, classifier.learn(spam, Label.HAM), "re-learning in the other class moves it");
    }

    @Test
    void tellWithoutAllowTellIsAClearClassifierError(@TempDir Path own) throws Exception {
        try (Spamd noTell = Spamd.start(own, Spamd.Config.DEFAULT.withAllowTell(false).withMaxChildren(1))) {
            SpamdClassifier c = new SpamdClassifier(noTell.options());
            ClassifierException e = assertThrows(ClassifierException.class, () -> c.learn(Spamd.gtube(6), Label.SPAM));
            assertEquals("spamd at 127.0.0.1:" + noTell.port() + " answered 69 Service Unavailable: TELL commands are "
                    + "not enabled, set the --allow-tell switch.", e.getMessage());
        }
    }

    @Test
    void unreachableSpamdIsClassifierError() throws Exception {
        int closed = ServerProcess.freePorts(1)[0];
        SpamdClassifier c = new SpamdClassifier(SpamdOptions.parse("127.0.0.1:" + closed));
        ClassifierException e = assertThrows(ClassifierException.class, () -> c.classify(Spamd.letter(7)));
        assertEquals("spamd at 127.0.0.1:" + closed + " refused the connection", e.getMessage());
    }

    @Test
    void messageOverTheSizeLimitIsNotSentAndComesBackUnscoredHam() throws Exception {
        byte[] gtube = Spamd.gtube(8);
        SpamdClassifier small = new SpamdClassifier(spamd.options().withMaxMessageBytes(gtube.length - 1));
        Verdict v = small.classify(gtube);
        assertEquals(Outcome.HAM, v.outcome());
        assertEquals(0, v.score());
        assertEquals(0, v.logOdds());
        assertEquals(List.of(SpamdClassifier.TOO_BIG), v.reasons());
        Processed p = small.process(gtube);
        assertTrue(Arrays.equals(gtube, p.message()), "passed through unchanged");
        SpamdClassifier exact = new SpamdClassifier(spamd.options().withMaxMessageBytes(gtube.length));
        assertEquals(Outcome.SPAM, exact.classify(gtube).outcome(), "a message of exactly the limit is sent, as spamc does");
    }

    @Test
    void concurrentRequestsAreBounded() throws Exception {
        int maxConcurrent = 2;
        CountingProxy proxy = new CountingProxy(spamd.port());
        try (proxy) {
            SpamdClassifier c = new SpamdClassifier(SpamdOptions.parse("127.0.0.1:" + proxy.port())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60)).withMaxConcurrent(maxConcurrent));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Verdict>> results = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    byte[] m = i % 2 == 0 ? Spamd.gtube(100 + i) : Spamd.letter(100 + i);
                    results.add(pool.submit(() -> c.classify(m)));
                }
                for (Future<Verdict> f : results) assertNotNull(f.get());
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(24, proxy.connections(), "one connection per request");
        assertEquals(maxConcurrent, proxy.peak(), "8 threads reach the bound but never pass it");
    }

    @Test
    void malformedInputsAreScoredWithoutException() throws Exception {
        SpamdClassifier big = new SpamdClassifier(spamd.options().withMaxMessageBytes(4 << 20));
        String head = "From: a@example.org\r\nTo: b@example.net\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\n";
        List<byte[]> inputs = List.of(
                (head + "Subject: truncated\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
                        + "--XX\r\nContent-Type: text/plain\r\n\r\nhalf a par").getBytes(StandardCharsets.US_ASCII),
                (head + "Subject: bad base64\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n!!!@@@###$$$%%%^^^ not base64 ===\r\n").getBytes(StandardCharsets.US_ASCII),
                (head + "Subject: =?x-klingon?Q?Qapla=27?=\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: text/plain; charset=x-klingon\r\n\r\n\u00ff\u00fe odd bytes\r\n").getBytes(StandardCharsets.ISO_8859_1),
                (head + "Subject: nul\r\n\r\nbefore\0\0\0after\r\n").getBytes(StandardCharsets.ISO_8859_1),
                (head + "Subject: long line\r\n\r\n" + "x".repeat(1 << 20) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                new byte[0],
                "no header at all, just words".getBytes(StandardCharsets.US_ASCII));
        for (byte[] m : inputs) {
            Verdict v = big.classify(m);
            assertNotNull(v.outcome());
            assertFalse(Double.isNaN(v.score()));
        }
    }

    @Test
    void everyCorpusMessageIsScoredWithoutException() throws Exception {
        List<byte[]> sample = SharedCorpus.sample(SharedCorpus.requireRoot(), 300);
        SpamdClassifier c = new SpamdClassifier(spamd.options().withMaxConcurrent(2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            List<Future<Verdict>> results = new ArrayList<>();
            for (byte[] m : sample) results.add(pool.submit(() -> c.classify(m)));
            int spam = 0;
            for (Future<Verdict> f : results) if (f.get().isSpam()) spam++;
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("spamd scored %d corpus messages in %.1f s (%.1f msgs/s at concurrency 2), %d spam%n",
                    sample.size(), seconds, sample.size() / seconds, spam);
            assertEquals(300, sample.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
