package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerPerClass;
import dev.begone.testing.Mailbox;
import dev.begone.testing.SpamdPerClass;
import dev.begone.testing.TestMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * rspamd-trainer's workflow with spamd on a real Dovecot: spamd's own Bayes counts ({@code sa-learn --dump magic})
 * grow by exactly what begone learnt, a correction by the user moves one message from one class to the other, and a
 * message over spamd's size limit goes to the errors folder. Each test learns messages no other test uses, since
 * the tests share spamd's Bayes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainingWithSpamdOnDovecotTest {
    @RegisterExtension
    static final SpamdPerClass spamd = new SpamdPerClass();

    @RegisterExtension
    static final ServerPerClass<Dovecot> server = new ServerPerClass<>(Dovecot::start);

    final Dovecot dovecot = server.get();

    @TempDir
    Path home;

    ImapSettings settings(String user) {
        return dovecot.settings(user, TlsMode.IMPLICIT);
    }

    Path config(String user) throws Exception {
        return config(user, """
                { learn-spam: [report_spam], learn-ham: [report_ham], after: { spam: learned_spam, ham: learned_ham },
                                    errors: learn_errors }""");
    }

    Path config(String user, String training) throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: %1$s
                    classifier: spamd
                    spamd: 127.0.0.1:%2$d
                    imap: { host: 127.0.0.1, port: %3$d, tls: implicit, ca: %4$s, user: %1$s, password: { env: PW } }
                    folders: { scan: [INBOX], spam: Junk }
                    training: %5$s
                """.formatted(user, spamd.port(), dovecot.imapsPort(), dovecot.certPem(), training));
        return file;
    }

    IsbgCli cli(String user) {
        return new IsbgCli(home).env("PW", Dovecot.PASSWORDS.get(user));
    }

    Set<String> ids(String user, String folder) throws Exception {
        return new TreeSet<>(Mailbox.messageIds(settings(user), folder));
    }

    static long[] plus(long[] before, long spam, long ham) {
        return new long[] {before[0] + spam, before[1] + ham};
    }

    @Test
    void spamdsCountersGrowByExactlyWhatWasLearntOnceAndAMessageTheUserMovesToReportHamIsRelearntAsHam() throws Exception {
        List<byte[]> spam = TestMail.pitches(100, 3);
        List<byte[]> ham = TestMail.hams(100, 2);
        dovecot.replace("alice", Map.of("report_spam", spam, "report_ham", ham));
        Path file = config("alice");
        long[] before = spamd.learns();

        assertEquals(new IsbgCli.Run(0, "", ""), cli("alice").run("run", "--config", file.toString()));

        assertArrayEquals(plus(before, 3, 2), spamd.learns());
        assertEquals(TestMail.messageIds(spam), ids("alice", "learned_spam"));
        assertEquals(TestMail.messageIds(ham), ids("alice", "learned_ham"));

        assertEquals(new IsbgCli.Run(0, "", ""), cli("alice").run("run", "--config", file.toString()));
        assertArrayEquals(plus(before, 3, 2), spamd.learns());

        String wrong = TestMail.messageId(spam.get(0));
        Mailbox.move(settings("alice"), "learned_spam", wrong, "report_ham");
        IsbgCli.Run corrected = cli("alice").run("run", "--config", file.toString(), "--verbose");

        assertEquals(0, corrected.exit(), corrected.toString());
        assertTrue(corrected.err().contains("Message-ID " + wrong + ", Subject \"Exclusive offer 100\": relearnt as ham "
                + "(learnt as spam before), moved to learned_ham"), corrected.toString());
        // SpamAssassin's Bayes forgot the spam before it learnt the ham.
        assertArrayEquals(plus(before, 2, 3), spamd.learns());
        assertEquals(TestMail.messageIds(spam.subList(1, 3)), ids("alice", "learned_spam"));
        List<byte[]> nowHam = new ArrayList<>(ham);
        nowHam.add(spam.get(0));
        assertEquals(TestMail.messageIds(nowHam), ids("alice", "learned_ham"));
    }

    @Test
    void aMessageOverSpamdsSizeLimitGoesToTheErrorsFolderAtOnceWithSpamdsReason() throws Exception {
        byte[] huge = TestMail.message("promo@deals.example", "Huge offer", "huge@deals.example", 0,
                "Act now. ".repeat(70_000) + "\r\n");
        byte[] small = TestMail.pitch(110);
        dovecot.replace("bob", Map.of("report_spam", List.of(huge, small)));
        Path file = config("bob");
        long[] before = spamd.learns();

        IsbgCli.Run run = cli("bob").run("run", "--config", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("begone: bob: report_spam uid 1 skipped: " + huge.length + " bytes, spamd failed: " + huge.length
                + " bytes is over the limit of 512000 bytes for spamd (spamc's --max-size) (moved to learn_errors)",
                "begone: bob: 1 spams of report_spam not learned because the classifier failed on them: 0 to be tried again "
                        + "next run, 1 given up and moved to learn_errors"),
                run.err().lines().toList());
        List<FetchedMessage> errors = Mailbox.messages(settings("bob"), "learn_errors");
        assertEquals(1, errors.size());
        assertEquals(Mailbox.sha256(huge), Mailbox.sha256(errors.get(0).raw()));
        assertEquals(TestMail.messageIds(List.of(small)), ids("bob", "learned_spam"));
        assertEquals(Set.of(), ids("bob", "report_spam"));
        assertArrayEquals(plus(before, 1, 0), spamd.learns());

        assertEquals(new IsbgCli.Run(0, "", ""), cli("bob").run("run", "--config", file.toString()));
    }

    /**
     * The "user moves" test: acting as a mail client, the test moves a spam begone filed back to INBOX and an
     * inbox message into the spam folder; the next run teaches spamd one ham and one spam, and leaves both where the
     * user put them.
     */
    @Test
    void theUsersOwnMovesIntoAndOutOfTheSpamFolderTeachSpamdOneSpamAndOneHamAndStayAsTheUserMadeThem() throws Exception {
        List<byte[]> spam = TestMail.spams(300, 2);
        List<byte[]> ham = TestMail.hams(300, 2);
        List<byte[]> inbox = new ArrayList<>(ham);
        inbox.addAll(spam);
        byte[] before = TestMail.pitch(300);
        dovecot.replace("alice", Map.of("INBOX", inbox, "Junk", List.of(before), "Trash", List.of()));
        Path file = config("alice", "{ from-moves: true }");
        long[] start = spamd.learns();

        assertEquals(new IsbgCli.Run(0, "", ""), cli("alice").run("run", "--config", file.toString()));
        // What was in the spam folder before begone watched it teaches nothing.
        assertArrayEquals(start, spamd.learns());
        List<byte[]> junk = new ArrayList<>(spam);
        junk.add(before);
        assertEquals(TestMail.messageIds(junk), ids("alice", "Junk"));

        String movedOut = TestMail.messageId(spam.get(0));
        String movedIn = TestMail.messageId(ham.get(0));
        Mailbox.move(settings("alice"), "Junk", movedOut, "INBOX");
        Mailbox.move(settings("alice"), "INBOX", movedIn, "Junk");
        IsbgCli.Run run = cli("alice").run("run", "--config", file.toString(), "--verbose");

        assertEquals(0, run.exit(), run.toString());
        assertArrayEquals(plus(start, 1, 1), spamd.learns(), run.toString());
        assertEquals(List.of(
                "alice: Junk uid 4: From alice@example.org, Message-ID " + movedIn + ", Subject \"Re: plans number 300\": "
                        + "moved into Junk by the user: learnt as spam",
                "alice: INBOX uid 5: From winner300@lottery.example, Message-ID " + movedOut + ", Subject \"You won prize "
                        + "300\": moved out of Junk by the user: learnt as ham"),
                run.err().lines().filter(l -> l.contains("by the user")).toList(), run.toString());
        // The spam the user took back stays in INBOX: the scan does not file it again.
        assertEquals(TestMail.messageIds(List.of(ham.get(1), spam.get(0))), ids("alice", "INBOX"));
        assertEquals(TestMail.messageIds(List.of(before, spam.get(1), ham.get(0))), ids("alice", "Junk"));

        assertEquals(new IsbgCli.Run(0, "", ""), cli("alice").run("run", "--config", file.toString()));
        assertArrayEquals(plus(start, 1, 1), spamd.learns());
    }
}
