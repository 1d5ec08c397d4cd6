package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.TestMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A scan holds a bounded number of bytes, not of messages: large messages pass in a small heap. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BoundedMemoryOnDovecotTest {
    private static final int MESSAGES = 50;
    private static final int MESSAGE_BYTES = 20 * 1024 * 1024;

    @TempDir
    Path dir;

    static byte[] large(int i) {
        StringBuilder body = new StringBuilder(MESSAGE_BYTES + 100);
        String line = "Minutes of meeting " + i + ": the garden committee discussed the holiday schedule again.\r\n";
        while (body.length() < MESSAGE_BYTES) body.append(line);
        return TestMail.message("alice@example.org", "Large minutes " + i, "large-" + i + "@example.org", i, body.toString());
    }

    @Test
    void fiftyMessagesOfTwentyMegabytesPassWithAHeapOf256Megabytes() throws Exception {
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")),
                Dovecot.Options.DEFAULT.withQuotaMegabytes(2048))) {
            for (int from = 0; from < MESSAGES; from += 5) {
                List<byte[]> some = new ArrayList<>();
                for (int i = from; i < from + 5; i++) some.add(large(i));
                dovecot.deliver("alice", "INBOX", some);
            }
            IsbgCli cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
            IsbgCli.Run run = cli.runInChildJvm(List.of("-Xmx256m"), List.of("isbg", "--imaphost", "127.0.0.1",
                    "--imapport", String.valueOf(dovecot.imapsPort()), "--imapuser", "alice", "--password-env", "PW",
                    "--noninteractive", "--tls-ca", dovecot.certPem().toString(), "--spaminbox", "Junk",
                    "--classifier", "builtin", "--maxsize", String.valueOf(MESSAGE_BYTES + 1024 * 1024), "--noreport"));
            assertEquals(0, run.exit(), run.toString());
            assertTrue(run.err().contains("0 spams found in " + MESSAGES + " messages"), run.toString());
        }
    }
}
