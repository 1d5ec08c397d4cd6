package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.ImapSettings;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rspamd-trainer's own workflow, with Rspamd and its Bayes in Redis, on a real Dovecot: Rspamd's learn counters in
 * Redis grow by exactly what begone reports as learnt, a second run learns nothing, and a message the user moves
 * from learned_spam to report_ham moves from one counter to the other.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainingWithRspamdOnDovecotTest {
    @TempDir
    Path dir;

    @Test
    void rspamdsCountersGrowByWhatWasLearntOnceAndAUserCorrectionMovesAMessageFromOneCounterToTheOther() throws Exception {
        try (Rspamd rspamd = Rspamd.start(Files.createDirectories(dir.resolve("servers")));
             Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")))) {
            List<byte[]> spam = TestMail.pitches(200, 3);
            List<byte[]> ham = TestMail.hams(200, 3);
            dovecot.replace("alice", Map.of("report_spam", spam, "report_ham", ham));
            Path password = dir.resolve("rspamd.pw");
            Files.writeString(password, Rspamd.PASSWORD + "\n");
            Path file = dir.resolve("config.yaml");
            Files.writeString(file, """
                    accounts:
                      - name: alice
                        classifier: rspamd
                        rspamd: %s
                        rspamd-controller: %s
                        rspamd-password-file: %s
                        imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s, user: alice, password: { env: PW } }
                        folders: { scan: [INBOX], spam: Junk }
                        training:
                          learn-spam: [report_spam]
                          learn-ham: [report_ham]
                          after: { spam: learned_spam, ham: learned_ham }
                    """.formatted(rspamd.scanner(), rspamd.controller(), password, dovecot.imapsPort(), dovecot.certPem()));
            IsbgCli cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
            ImapSettings alice = dovecot.settings("alice", TlsMode.IMPLICIT);

            IsbgCli.Run first = cli.run("run", "--config", file.toString(), "--verbose");

            assertEquals(0, first.exit(), first.toString());
            // Rspamd skips (204) what its Bayes already files in the right class: taught, but not learnt again.
            long[] learnt = {learntLines(first, "spam"), learntLines(first, "ham")};
            assertArrayEquals(learnt, rspamd.learns(), first.toString());
            assertTrue(learnt[0] >= 1 && learnt[1] >= 1, Arrays.toString(learnt));
            assertEquals(TestMail.messageIds(spam), new TreeSet<>(Mailbox.messageIds(alice, "learned_spam")));
            assertEquals(TestMail.messageIds(ham), new TreeSet<>(Mailbox.messageIds(alice, "learned_ham")));

            IsbgCli.Run second = cli.run("run", "--config", file.toString());
            assertEquals(new IsbgCli.Run(0, "", ""), second);
            assertArrayEquals(learnt, rspamd.learns());

            // The first spam was learnt for sure: Rspamd's Bayes knew nothing before it.
            String wrong = TestMail.messageId(spam.get(0));
            Mailbox.move(alice, "learned_spam", wrong, "report_ham");
            IsbgCli.Run corrected = cli.run("run", "--config", file.toString(), "--verbose");

            assertEquals(0, corrected.exit(), corrected.toString());
            assertTrue(corrected.err().contains("Message-ID " + wrong + ", Subject \"Exclusive offer 200\": relearnt as ham "
                    + "(learnt as spam before), moved to learned_ham"), corrected.toString());
            assertArrayEquals(new long[] {learnt[0] - 1, learnt[1] + 1}, rspamd.learns(), corrected.toString());
            List<byte[]> nowHam = new ArrayList<>(ham);
            nowHam.add(spam.get(0));
            assertEquals(TestMail.messageIds(nowHam), new TreeSet<>(Mailbox.messageIds(alice, "learned_ham")));
            assertEquals(Set.of(), new TreeSet<>(Mailbox.messageIds(alice, "report_ham")));
        }
    }

    /** Messages the run reports as newly learnt in this class (not those Rspamd knew already). */
    private static long learntLines(IsbgCli.Run run, String label) {
        return run.err().lines().filter(l -> l.endsWith(": learnt as " + label + ", moved to learned_" + label)).count();
    }
}
