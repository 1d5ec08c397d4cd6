package dev.begone.classify.spamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.MessageRejectedException;
import dev.begone.testing.ScriptedPeer;
import dev.begone.testing.TestMail;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spamd that stalls ends the request at its deadline; a spamd that fails on one message fails that message only.
 * The misbehaving spamd is scripted: a real one does not stop reading on demand.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpamdDeadlinesTest {
    private static final long GIVE_UP_MS = 15_000;

    static SpamdClassifier spamdAt(ScriptedPeer peer, int maxMessageBytes) {
        return new SpamdClassifier(SpamdOptions.parse("127.0.0.1:" + peer.port())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).withWriteTimeout(Duration.ofSeconds(1))
                .withMaxMessageBytes(maxMessageBytes));
    }

    static byte[] bigMessage(int bytes) {
        byte[] m = new byte[bytes];
        Arrays.fill(m, (byte) 'x');
        return m;
    }

    @Test
    void spamdThatAcceptsAndNeverReadsIsLeftAtTheWriteDeadline() throws Exception {
        try (ScriptedPeer silent = ScriptedPeer.start(4096, ScriptedPeer.Conversation::stall)) {
            SpamdClassifier spamd = spamdAt(silent, 16 * 1024 * 1024);
            long start = System.nanoTime();
            ClassifierException e = assertThrows(ClassifierException.class,
                    () -> spamd.learn(bigMessage(8 * 1024 * 1024), Label.SPAM));
            assertInTime(start, e);
            assertFalse(e instanceof MessageRejectedException, "a stalled spamd is no message's fault");
            assertEquals("spamd at 127.0.0.1:" + silent.port() + " did not take the TELL request (8388608 bytes) within 1 s:"
                    + " it stopped reading", e.getMessage());
        }
    }

    @Test
    void spamdThatReadsButNeverAnswersIsLeftAtTheReadDeadline() throws Exception {
        try (ScriptedPeer mute = ScriptedPeer.start(0, c -> {
            c.skip(Long.MAX_VALUE);
            c.stall();
        })) {
            SpamdClassifier spamd = spamdAt(mute, SpamdOptions.DEFAULT_MAX_MESSAGE_BYTES);
            long start = System.nanoTime();
            ClassifierException e = assertThrows(ClassifierException.class, () -> spamd.classify(TestMail.spam(1)));
            assertInTime(start, e);
            assertFalse(e instanceof MessageRejectedException);
            assertEquals("spamd at 127.0.0.1:" + mute.port() + " did not answer SYMBOLS within 2 s", e.getMessage());
        }
    }

    @Test
    void learningAMessageOverSpamcsSizeLimitIsRefusedWithoutSendingIt() {
        SpamdClassifier spamd = new SpamdClassifier(SpamdOptions.parse("127.0.0.1:1"));
        MessageRejectedException e = assertThrows(MessageRejectedException.class,
                () -> spamd.learn(bigMessage(SpamdOptions.DEFAULT_MAX_MESSAGE_BYTES + 1), Label.SPAM));
        assertTrue(e.checkedLocally());
        assertEquals("512001 bytes is over the limit of 512000 bytes for spamd (spamc's --max-size)", e.getMessage());
    }

    @Test
    void spamdsChildTimeoutFailsThatMessageOnly() throws Exception {
        try (ScriptedPeer timingOut = ScriptedPeer.start(0, c -> {
            while (!c.readLine().isEmpty()) {
                // the request's headers
            }
            c.send("SPAMD/1.0 79 Timeout: (300 second timeout while trying to CHECK)\r\n");
        })) {
            SpamdClassifier spamd = spamdAt(timingOut, SpamdOptions.DEFAULT_MAX_MESSAGE_BYTES);
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> spamd.classify(TestMail.spam(2)));
            assertFalse(e.checkedLocally());
            assertEquals("spamd at 127.0.0.1:" + timingOut.port() + " answered SYMBOLS with 79 Timeout: "
                    + "(300 second timeout while trying to CHECK)", e.getMessage());
        }
    }

    private static void assertInTime(long start, Exception e) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < GIVE_UP_MS, "took " + ms + " ms: " + e.getMessage());
    }
}
