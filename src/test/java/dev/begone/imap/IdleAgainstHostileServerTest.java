package dev.begone.imap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.ScriptedPeer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** IDLE's deadlines hold against a server that accepts IDLE and then never answers DONE. */
@Timeout(60)
class IdleAgainstHostileServerTest {
    @Test
    void aServerThatNeverAnswersDoneCostsTheConnectionAfterTheTimeoutNotAHang() throws Exception {
        try (ScriptedPeer server = ScriptedPeer.start(0, c -> {
            c.send("* OK [CAPABILITY IMAP4rev1 IDLE] scripted server ready\r\n");
            for (int i = 0; i < 20; i++) {
                String line = c.readLine();
                if (line == null) return;
                String[] words = line.split(" ", 3);
                switch (words[1].toUpperCase(java.util.Locale.ROOT)) {
                    case "CAPABILITY" -> c.send("* CAPABILITY IMAP4rev1 IDLE\r\n" + words[0] + " OK done\r\n");
                    case "EXAMINE" -> c.send("* 0 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 1] n\r\n"
                            + words[0] + " OK [READ-ONLY] done\r\n");
                    case "IDLE" -> {
                        c.send("+ idling\r\n");
                        c.readLine(); // DONE, never answered
                        c.stall();
                        return;
                    }
                    default -> c.send(words[0] + " OK done\r\n");
                }
            }
        })) {
            ImapSettings s = HostileImapServerTest.settings(server.port());
            MailStore store = ImapMailStore.connect(s);
            MailStore.OpenFolder inbox = store.open("INBOX", true);
            long start = System.nanoTime();
            MailStoreException e = assertThrows(MailStoreException.class,
                    () -> inbox.awaitNewMessages(Duration.ofMillis(100), Duration.ofMinutes(1)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(e.getMessage().startsWith("IDLE in INBOX on 127.0.0.1:" + server.port() + " failed: no answer to DONE within "),
                    e.getMessage());
            assertFalse(e.refused());
            long bound = Duration.ofMillis(100).plus(s.timeout()).plusSeconds(2).toMillis();
            assertTrue(tookMillis < bound, "took " + tookMillis + " ms, bound " + bound + " ms");
            store.close();
        }
    }
}
