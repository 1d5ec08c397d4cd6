package dev.begone.classify.rspamd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import dev.begone.testing.Rspamd;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.TestMail;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** begone speaks Rspamd's HTTP protocol to a real Rspamd 3 with Bayes in Redis. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RspamdClassifierTest {
    @TempDir
    static Path dir;
    private static Rspamd rspamd;

    @BeforeAll
    static void startRspamd() throws Exception {
        rspamd = Rspamd.start(dir);
    }

    @AfterAll
    static void stopRspamd() throws Exception {
        if (rspamd != null) rspamd.close();
    }

    @Test
    void gtubeIsSpamAtTheThresholdRspamdItselfSetsForMarkingSpam() throws Exception {
        try (RspamdClassifier c = new RspamdClassifier(rspamd.options())) {
            c.ping();
            Verdict v = c.classify(TestMail.spam(1));
            assertEquals(Outcome.SPAM, v.outcome(), v.toString());
            // The stock actions: add header at 6 is the lowest that marks spam; GTUBE forces reject at 15.
            assertEquals(6.0, v.threshold());
            assertEquals(15.0, v.score());
            assertEquals(9.0, v.logOdds());
            assertTrue(v.reasons().contains("GTUBE"), v.reasons().toString());
        }
    }

    @Test
    void anOrdinaryLetterIsHamWithNegativeLogOdds() throws Exception {
        try (RspamdClassifier c = new RspamdClassifier(rspamd.options())) {
            Verdict v = c.classify(TestMail.ham(1));
            assertEquals(Outcome.HAM, v.outcome(), v.toString());
            assertTrue(v.logOdds() < 0, v.toString());
        }
    }

    @Test
    void aThresholdGivenByTheUserDecidesWithoutAskingTheController() throws Exception {
        RspamdOptions strict = rspamd.options().withController(URI.create("http://127.0.0.1:1")).withSpamThreshold(-100.0);
        try (RspamdClassifier c = new RspamdClassifier(strict)) {
            Verdict v = c.classify(TestMail.ham(2));
            assertEquals(Outcome.SPAM, v.outcome(), v.toString());
            assertEquals(-100.0, v.threshold());
        }
    }

    @Test
    void learningTeachesRspamdsBayesAndRelearningIsNotAnError() throws Exception {
        long[] before = rspamd.learns();
        try (RspamdClassifier c = new RspamdClassifier(rspamd.options())) {
            byte[] spam = wordy("spam", 10, "cheap pills casino jackpot bitcoin wallet unclaimed prize transfer");
            byte[] ham = wordy("ham", 11, "agenda minutes quarterly budget review meeting notes offsite planning");
            assertEquals(LearnResult.LEARNED, c.learn(spam, Label.SPAM));
            assertEquals(LearnResult.LEARNED, c.learn(ham, Label.HAM));
            assertEquals(LearnResult.ALREADY_KNOWN, c.learn(spam, Label.SPAM));
            assertArrayEquals(new long[] {before[0] + 1, before[1] + 1}, rspamd.learns());

            Verdict v = c.classify(wordy("spam", 12, "cheap pills casino jackpot bitcoin wallet unclaimed prize transfer"));
            assertTrue(v.reasons().contains("BAYES_SPAM"), v.toString());
        }
    }

    @Test
    void aMissingOrWrongPasswordIsAClearError() throws Exception {
        byte[] message = wordy("ham", 20, "garden holiday train library coffee dinner weekend schedule");
        try (RspamdClassifier none = new RspamdClassifier(rspamd.options().withPassword(null))) {
            ClassifierException e = assertThrows(ClassifierException.class, () -> none.learn(message, Label.HAM));
            assertTrue(e.getMessage().contains("401") && e.getMessage().contains("--rspamd-password-file"), e.getMessage());
        }
        try (RspamdClassifier wrong = new RspamdClassifier(rspamd.options().withPassword("not-it"))) {
            ClassifierException e = assertThrows(ClassifierException.class, () -> wrong.learn(message, Label.HAM));
            assertTrue(e.getMessage().contains("password was refused"), e.getMessage());
            assertTrue(!e.getMessage().contains("not-it"), "the password must not be shown: " + e.getMessage());
        }
    }

    @Test
    void anRspamdThatIsNotThereIsAClearError() throws Exception {
        int closed = ServerProcess.freePorts(1)[0];
        RspamdOptions nowhere = rspamd.options().withScanner(URI.create("http://127.0.0.1:" + closed)).withSpamThreshold(6.0);
        try (RspamdClassifier c = new RspamdClassifier(nowhere)) {
            ClassifierException e = assertThrows(ClassifierException.class, () -> c.classify(TestMail.ham(3)));
            assertEquals("rspamd at http://127.0.0.1:" + closed + " refused the connection", e.getMessage());
        }
    }

    @Test
    void malformedMailIsScoredNotRefused() throws Exception {
        byte[] truncated = ("From: a@example.org\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
                + "Content-Transfer-Encoding: base64\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n@@not base64\0\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RspamdClassifier c = new RspamdClassifier(rspamd.options())) {
            Verdict v = c.classify(truncated);
            assertTrue(Double.isFinite(v.score()), v.toString());
        }
    }

    /** A message of its own Date and body (Rspamd's learn cache keys on them), mostly the given words. */
    private static byte[] wordy(String kind, int n, String words) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 8; i++) body.append(words).append(' ').append(kind).append(n).append(i).append("\r\n");
        return TestMail.message(kind + n + "@example.org", kind + " " + n, kind + "-" + n + "@example.org", n + 1000,
                body.toString());
    }
}
