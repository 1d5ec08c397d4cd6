package dev.begone.classify.rspamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.MessageRejectedException;
import dev.begone.testing.ScriptedPeer;
import dev.begone.testing.TestMail;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One deadline covers a whole Rspamd request, sending included; Rspamd refusing one message fails that message only.
 * The misbehaving Rspamd is scripted: a real one does not stop reading on demand.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RspamdDeadlinesTest {
    static RspamdClassifier rspamdAt(ScriptedPeer peer) {
        URI uri = URI.create("http://127.0.0.1:" + peer.port());
        return new RspamdClassifier(RspamdOptions.defaults().withScanner(uri).withController(uri).withSpamThreshold(6.0)
                .withTimeout(Duration.ofSeconds(2)));
    }

    @Test
    void rspamdThatAcceptsAndNeverReadsIsLeftAtTheRequestDeadline() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        Arrays.fill(message, (byte) 'x');
        try (ScriptedPeer silent = ScriptedPeer.start(4096, ScriptedPeer.Conversation::stall);
                RspamdClassifier rspamd = rspamdAt(silent)) {
            long start = System.nanoTime();
            ClassifierException e = assertThrows(ClassifierException.class, () -> rspamd.learn(message, Label.SPAM));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 15_000, "took " + ms + " ms");
            assertFalse(e instanceof MessageRejectedException);
            assertEquals("rspamd at http://127.0.0.1:" + silent.port() + " did not take the request and answer within 2 s",
                    e.getMessage());
        }
    }

    @Test
    void rspamdRefusingAMessageFailsThatMessageOnly() throws Exception {
        String body = "{\"error\":\"message is too big\"}";
        try (ScriptedPeer refusing = ScriptedPeer.start(0, c -> {
                    while (!c.readLine().isEmpty()) {
                        // the request's headers
                    }
                    c.send("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body);
                });
                RspamdClassifier rspamd = rspamdAt(refusing)) {
            MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> rspamd.classify(TestMail.spam(1)));
            assertEquals("rspamd at http://127.0.0.1:" + refusing.port() + " answered /checkv2 with 413: message is too big",
                    e.getMessage());
        }
    }

    @Test
    void aRefusedPasswordStopsTheRunInsteadOfFailingTheMessage() throws Exception {
        String body = "{\"error\":\"Unauthorized\"}";
        try (ScriptedPeer guarded = ScriptedPeer.start(0, c -> {
                    while (!c.readLine().isEmpty()) {
                        // the request's headers
                    }
                    c.send("HTTP/1.1 401 Unauthorized\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                            + body);
                });
                RspamdClassifier rspamd = rspamdAt(guarded)) {
            ClassifierException e = assertThrows(ClassifierException.class, () -> rspamd.learn(TestMail.spam(1), Label.SPAM));
            assertFalse(e instanceof MessageRejectedException, e.getMessage());
        }
    }
}
