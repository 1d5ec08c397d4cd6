package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Mailbox;
import dev.begone.testing.Rspamd;
import dev.begone.testing.TestMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A mailbox on Dovecot filtered and trained with Rspamd, as rspamd-trainer users run it, through the isbg command. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RspamdOnDovecotTest {
    @TempDir
    Path dir;

    @Test
    void trainingFoldersTeachRspamdOnceAndSpamIsFiledAtRspamdsOwnThreshold() throws Exception {
        try (Rspamd rspamd = Rspamd.start(Files.createDirectories(dir.resolve("servers")));
             Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")))) {
            dovecot.deliver("alice", "report_spam", TestMail.pitches(100, 3));
            dovecot.deliver("alice", "report_ham", TestMail.hams(100, 4));
            List<byte[]> inbox = new ArrayList<>(TestMail.hams(0, 3));
            inbox.addAll(TestMail.spams(0, 2));
            dovecot.deliver("alice", "INBOX", inbox);
            Path password = dir.resolve("rspamd.pw");
            Files.writeString(password, Rspamd.PASSWORD + "\n");
            IsbgCli cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
            List<String> args = List.of("isbg", "--imaphost", "127.0.0.1", "--imapport", String.valueOf(dovecot.imapsPort()),
                    "--imapuser", "alice", "--password-env", "PW", "--noninteractive", "--tls-ca", dovecot.certPem().toString(),
                    "--classifier", "rspamd", "--rspamd", rspamd.scanner().toString(),
                    "--rspamd-controller", rspamd.controller().toString(), "--rspamd-password-file", password.toString(),
                    "--learnspambox", "report_spam", "--learnhambox", "report_ham", "--spaminbox", "Junk",
                    "--delete", "--expunge", "--noreport");

            IsbgCli.Run first = cli.run(args);
            assertEquals(0, first.exit(), first.toString());
            // Rspamd skips (204) a message its Bayes already files in the right class at 95 %: taught, not learnt.
            assertTrue(first.err().contains("/3 spams learned") && first.err().contains("/4 hams learned"), first.toString());
            long[] learns = rspamd.learns();
            assertTrue(first.err().contains(learns[0] + "/3 spams learned") && first.err().contains(learns[1] + "/4 hams learned")
                    && learns[0] >= 1 && learns[1] >= 1, Arrays.toString(learns) + "\n" + first);
            var alice = dovecot.settings("alice", TlsMode.IMPLICIT);
            assertEquals(TestMail.messageIds(TestMail.spams(0, 2)), new TreeSet<>(Mailbox.messageIds(alice, "Junk")));
            assertEquals(TestMail.messageIds(TestMail.hams(0, 3)), new TreeSet<>(Mailbox.messageIds(alice, "INBOX")));

            IsbgCli.Run second = cli.run(args);
            assertEquals(0, second.exit(), second.toString());
            assertTrue(second.err().contains("0/0 spams learned") && second.err().contains("0/0 hams learned"), second.toString());
            assertArrayEquals(learns, rspamd.learns());
        }
    }
}
