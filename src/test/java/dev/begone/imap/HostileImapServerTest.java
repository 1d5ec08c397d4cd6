package dev.begone.imap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.ScriptedImap;
import dev.begone.testing.ScriptedPeer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that misbehaves after login ends the connection with a clear error within the deadline, never hangs
 * the client or fills its memory. Every wait of the client is {@link #DEADLINE}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileImapServerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    /** The deadline plus time for the client to notice and close on a busy machine. */
    private static final long GIVE_UP_MS = 15_000;

    static ImapSettings settings(int port) {
        return ImapSettings.builder("127.0.0.1", port, "alice", Secret.of("secret"), TlsMode.STARTTLS)
                .allowPlaintext(true).timeout(DEADLINE).build();
    }

    @Test
    void serverThatStopsReadingMidAppendIsLeftAtTheWriteDeadline() throws Exception {
        byte[] message = new byte[32 * 1024 * 1024];
        Arrays.fill(message, (byte) 'x');
        try (ScriptedPeer server = ScriptedPeer.start(4096, ScriptedImap.serving("APPEND", (c, tag) -> {
                    c.send("+ go ahead\r\n");
                    c.stall();
                }));
                MailStore store = ImapMailStore.connect(settings(server.port()))) {
            long start = System.nanoTime();
            MailStoreException e = assertThrows(MailStoreException.class,
                    () -> store.append("INBOX", message, Set.of(), null));
            assertEndedInTime(start, e);
            assertTrue(e.getMessage().startsWith("APPEND INBOX on 127.0.0.1:" + server.port() + " failed"), e.getMessage());
        }
    }

    @Test
    void literalOfTwoGigabytesAnnouncedAndNeverSentEndsTheConnectionAtOnce() throws Exception {
        try (ScriptedPeer server = ScriptedPeer.start(0, ScriptedImap.serving("LIST", (c, tag) -> {
                    c.send("* LIST () \"/\" {2147483648}\r\n");
                    c.stall();
                }));
                MailStore store = ImapMailStore.connect(settings(server.port()))) {
            long start = System.nanoTime();
            MailStoreException e = assertThrows(MailStoreException.class, store::listFolders);
            assertEndedInTime(start, e);
            assertTrue(e.getMessage().contains("the server announced a literal of 2147483648 bytes, over the limit of "
                    + ImapSettings.DEFAULT_MAX_LITERAL_BYTES + " bytes"), e.getMessage());
        }
    }

    @Test
    void literalAnnouncedWithinTheLimitButNeverSentEndsAtTheReadDeadline() throws Exception {
        try (ScriptedPeer server = ScriptedPeer.start(0, ScriptedImap.serving("LIST", (c, tag) -> {
                    c.send("* LIST () \"/\" {1000}\r\nonly a little");
                    c.stall();
                }));
                MailStore store = ImapMailStore.connect(settings(server.port()))) {
            long start = System.nanoTime();
            assertEndedInTime(start, assertThrows(MailStoreException.class, store::listFolders));
        }
    }

    @Test
    void endlessResponseLineEndsTheConnectionBeforeItFillsTheMemory() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (ScriptedPeer server = ScriptedPeer.start(0, ScriptedImap.serving("LIST", (c, tag) -> {
                    c.send("* LIST () \"/\" ");
                    for (int i = 0; i < 2 * ImapSettings.MAX_LINE_BYTES / chunk.length; i++) c.send(chunk);
                    c.stall();
                }));
                MailStore store = ImapMailStore.connect(settings(server.port()))) {
            long start = System.nanoTime();
            MailStoreException e = assertThrows(MailStoreException.class, store::listFolders);
            assertEndedInTime(start, e);
            assertTrue(e.getMessage().contains("the server sent a response line longer than " + ImapSettings.MAX_LINE_BYTES
                    + " bytes"), e.getMessage());
        }
    }

    private static void assertEndedInTime(long start, Exception e) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < GIVE_UP_MS, "took " + ms + " ms: " + e.getMessage());
    }
}
