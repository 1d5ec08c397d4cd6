package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerPerClass;
import dev.begone.testing.Mailbox;
import dev.begone.testing.TestMail;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training workflows of the seeds on a real Dovecot with the built-in classifier, through {@code begone run}:
 * rspamd-trainer's report and learned folders, the imapfilter recipe's false positives and negatives, bad input, and
 * a run killed between learning and moving. The built-in model's own counts say what was learnt.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainingOnDovecotTest {
    private static final List<byte[]> SPAM = TestMail.pitches(0, 3);
    private static final List<byte[]> HAM = TestMail.hams(0, 2);
    private static final List<byte[]> REPLY = TestMail.hams(2, 1);

    @RegisterExtension
    static final ServerPerClass<Dovecot> server = new ServerPerClass<>(Dovecot::start);

    final Dovecot dovecot = server.get();

    @TempDir
    Path home;

    /** Each test starts from an account holding only an empty INBOX, Junk and Trash. */
    @BeforeEach
    void emptyTheAccount() throws Exception {
        for (String folder : Mailbox.folders(alice())) {
            if (!Set.of("INBOX", "Junk", "Trash").contains(folder)) dovecot.deleteFolder("alice", folder);
        }
        dovecot.replace("alice", Map.of("INBOX", List.of(), "Junk", List.of(), "Trash", List.of()));
    }

    ImapSettings alice() {
        return dovecot.settings("alice", TlsMode.IMPLICIT);
    }

    /** alice on this Dovecot with the built-in classifier, scanning INBOX into Junk, with this {@code training:}. */
    Path config(String training) throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: alice
                    classifier: builtin
                    partial-run: 0
                    imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s, user: alice, password: { env: PW } }
                    folders: { scan: [INBOX], spam: Junk }
                    training: %s
                """.formatted(dovecot.imapsPort(), dovecot.certPem(), training));
        return file;
    }

    static final String RSPAMD_TRAINER = """
            { learn-spam: [report_spam], learn-ham: [report_ham, report_spam_reply],
                                after: { spam: learned_spam, ham: learned_ham }, errors: learn_errors }""";

    IsbgCli cli() {
        return new IsbgCli(home).env("PW", Dovecot.PASSWORDS.get("alice"));
    }

    Set<String> ids(String folder) throws Exception {
        return new TreeSet<>(Mailbox.messageIds(alice(), folder));
    }

    /** What the built-in model of alice has learnt, as its own counts say: {spam, ham}. */
    List<Long> learnt() throws Exception {
        return BuiltinCounts.of(cli().env(), "alice");
    }

    void fillReportFolders() throws Exception {
        dovecot.replace("alice", Map.of("report_spam", SPAM, "report_ham", HAM, "report_spam_reply", REPLY));
    }

    static Set<String> idsOf(List<byte[]> a, List<byte[]> b) {
        List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        return TestMail.messageIds(all);
    }

    @Test
    void reportFoldersAreLearntOnceAndMovedToLearnedFoldersCreatedWhenMissingAndASecondRunLearnsNothing() throws Exception {
        fillReportFolders();
        Path file = config(RSPAMD_TRAINER);

        IsbgCli.Run first = cli().run("run", "--config", file.toString());

        assertEquals(new IsbgCli.Run(0, "", ""), first);
        assertEquals(TestMail.messageIds(SPAM), ids("learned_spam"));
        assertEquals(idsOf(HAM, REPLY), ids("learned_ham"));
        for (String f : List.of("report_spam", "report_ham", "report_spam_reply", "learn_errors")) assertEquals(Set.of(), ids(f), f);
        assertEquals(List.of(3L, 3L), learnt());

        IsbgCli.Run second = cli().run("run", "--config", file.toString(), "--verbose");

        assertEquals(new IsbgCli.Run(0, "", ""), second);
        assertEquals(List.of(3L, 3L), learnt());
        assertEquals(TestMail.messageIds(SPAM), ids("learned_spam"));
    }

    @Test
    void aLearntSpamTheUserMovesToReportHamIsRelearntAsHamAndOneMovedBackToReportSpamIsNotLearntAgain() throws Exception {
        fillReportFolders();
        Path file = config(RSPAMD_TRAINER);
        assertEquals(0, cli().run("run", "--config", file.toString()).exit());
        String wrong = TestMail.messageId(SPAM.get(0));
        String again = TestMail.messageId(SPAM.get(1));
        Mailbox.move(alice(), "learned_spam", wrong, "report_ham");
        Mailbox.move(alice(), "learned_spam", again, "report_spam");

        IsbgCli.Run run = cli().run("run", "--config", file.toString(), "--verbose");

        assertEquals(0, run.exit(), run.toString());
        // One line per message: folder, UID, From, Message-ID, Subject and what became of it.
        assertEquals(List.of(
                "alice: report_spam uid 4: From promo1@deals.example, Message-ID " + again
                        + ", Subject \"Exclusive offer 1\": already learnt as spam, moved to learned_spam",
                "alice: report_ham uid 3: From promo0@deals.example, Message-ID " + wrong
                        + ", Subject \"Exclusive offer 0\": relearnt as ham (learnt as spam before), moved to learned_ham"),
                run.err().lines().filter(l -> l.contains(" uid ")).toList(), run.toString());
        assertEquals(List.of(2L, 4L), learnt());
        assertEquals(TestMail.messageIds(SPAM.subList(1, 3)), ids("learned_spam"));
        assertEquals(idsOf(HAM, List.of(REPLY.get(0), SPAM.get(0))), ids("learned_ham"));
        assertEquals(Set.of(), ids("report_ham"));
        assertEquals(Set.of(), ids("report_spam"));
    }

    @Test
    void falsePositivesGoBackToTheInboxAndFalseNegativesToTheSpamFolderAndTheScanDoesNotJudgeThemAgain() throws Exception {
        List<byte[]> inbox = TestMail.hams(10, 2);
        byte[] falsePositive = TestMail.ham(20);
        byte[] falseNegative = TestMail.pitch(20);
        dovecot.replace("alice", Map.of("INBOX", inbox, "Spam/False Positives", List.of(falsePositive),
                "Spam/False Negatives", List.of(falseNegative)));
        Path file = config("""
                { learn-spam: ["Spam/False Negatives"], learn-ham: ["Spam/False Positives"], after: { spam: Junk, ham: INBOX } }""");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"run", "--config", file.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true), cli().env(), true);

        assertEquals(0, exit, err.toString());
        assertEquals(idsOf(inbox, List.of(falsePositive)), ids("INBOX"));
        assertEquals(TestMail.messageIds(List.of(falseNegative)), ids("Junk"));
        assertEquals(Set.of(), ids("Spam/False Positives"));
        assertEquals(Set.of(), ids("Spam/False Negatives"));
        // The scan scored the two messages that were in INBOX, not the one the user had judged ham already.
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("alice +0 +ok +2 +0 +2 +\\d+\\.\\ds")), out.toString());
        assertEquals(List.of(1L, 1L), learnt());
    }

    @Test
    void aMessageThatIsNoMailGoesToTheErrorsFolderWithItsReasonAndAMissingTrainingFolderIsCreated() throws Exception {
        byte[] noMail = "\u0001\u0002 not a mail message at all\r\n\r\njust bytes\r\n".getBytes(StandardCharsets.ISO_8859_1);
        dovecot.replace("alice", Map.of("report_spam", List.of(SPAM.get(0), noMail)));
        Path file = config(RSPAMD_TRAINER);

        IsbgCli.Run run = cli().run("run", "--config", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of("begone: alice: report_spam uid 2: From (none), Message-ID (none), Subject (none): not learnt, "
                + "no mail message begone can read (it does not start with a header field (no From:, Subject: ... before "
                + "its text)), moved to learn_errors"), run.err().lines().toList());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("alice +0 +ok, warnings +0 +0 +1 +\\d+\\.\\ds")), run.toString());
        List<byte[]> errors = Mailbox.messages(alice(), "learn_errors").stream().map(m -> m.raw()).toList();
        assertEquals(1, errors.size());
        assertEquals(Mailbox.sha256(noMail), Mailbox.sha256(errors.get(0)));
        assertEquals(TestMail.messageIds(List.of(SPAM.get(0))), ids("learned_spam"));
        assertTrue(Mailbox.folders(alice()).containsAll(List.of("report_ham", "report_spam_reply")), "created");
        assertEquals(List.of(1L, 0L), learnt());

        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));
    }

    @Test
    void whitelistedSendersJoinTheAllowListAndTheirMessagesGoBackToTheInboxWhereTheScanDoesNotJudgeThemAgain() throws Exception {
        byte[] fromAFriend = TestMail.message("\"Example, Alice\" <Alice@Example.ORG>", "Photos", "photos@example.org", 0,
                "The photos you asked for.\r\n");
        byte[] newsletter = TestMail.pitch(30);
        List<byte[]> inbox = TestMail.hams(10, 1);
        dovecot.replace("alice", Map.of("INBOX", inbox, "spam/whitelist", List.of(fromAFriend, newsletter)));
        Path file = config("{ allow-sender: [spam/whitelist] }");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"run", "--config", file.toString(), "--verbose"}, new PrintWriter(out, true),
                new PrintWriter(err, true), cli().env(), true);

        assertEquals(0, exit, err.toString());
        assertEquals(List.of(
                "alice: spam/whitelist uid 1: From \"Example, Alice\" <Alice@Example.ORG>, Message-ID <photos@example.org>, "
                        + "Subject \"Photos\": sender alice@example.org allowed, moved to INBOX",
                "alice: spam/whitelist uid 2: From promo30@deals.example, Message-ID <pitch-30@deals.example>, Subject "
                        + "\"Exclusive offer 30\": sender promo30@deals.example allowed, moved to INBOX"),
                err.toString().lines().filter(l -> l.startsWith("alice: spam/whitelist")).toList());
        assertEquals(idsOf(inbox, List.of(fromAFriend, newsletter)), ids("INBOX"));
        assertEquals(Set.of(), ids("spam/whitelist"));
        // The scan scored the message that was in INBOX, not the two the user had put back.
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("alice +0 +ok +1 +0 +0 +\\d+\\.\\ds")), out.toString());
        try (StateStore state = StateStore.open(StatePaths.defaults(cli().env()).accountDb(ConfiguredAccount.stateKey("alice")))) {
            assertEquals(Set.of("alice@example.org", "promo30@deals.example"), state.allowedSenders(ConfiguredAccount.stateKey("alice")));
        }

        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));
    }

    @Test
    void begoneLearnLearnsFromTheTrainingFoldersOfTheNamedAccountAndScansNothing() throws Exception {
        fillReportFolders();
        List<byte[]> inbox = TestMail.hams(10, 2);
        dovecot.replace("alice", Map.of("INBOX", inbox));
        Path file = config(RSPAMD_TRAINER);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"learn", "--config", file.toString(), "--account", "alice"},
                new PrintWriter(out, true), new PrintWriter(err, true), cli().env(), true);

        assertEquals(0, exit, err.toString());
        assertEquals("", err.toString());
        List<String> table = out.toString().lines().toList();
        assertEquals(2, table.size(), out.toString());
        assertTrue(table.get(0).matches("account +exit +outcome +scanned +spam +learnt +time +error"), table.get(0));
        assertTrue(table.get(1).matches("alice +0 +ok +0 +0 +6 +\\d+\\.\\ds"), table.get(1));
        assertEquals(TestMail.messageIds(SPAM), ids("learned_spam"));
        assertEquals(idsOf(HAM, REPLY), ids("learned_ham"));
        assertEquals(List.of(3L, 3L), learnt());
        // INBOX was not scanned: a run now scores both of its messages.
        IsbgCli.Run run = cli().run("run", "--config", file.toString(), "--verbose");
        assertEquals(2, run.err().lines().filter(l -> l.startsWith("alice: INBOX uid ")).count(), run.toString());

        IsbgCli.Run unknown = cli().run("learn", "--config", file.toString(), "--account", "carol");
        assertEquals(ExitCode.BAD_ARGUMENTS.code(), unknown.exit(), unknown.toString());
        assertEquals("begone: --account carol: " + file + " has no such account (it has alice)",
                unknown.err().lines().findFirst().orElseThrow());
    }

    /**
     * A filed spam that begone's own archiving takes out of the spam folder was judged by no user: found again in the
     * archive, it is not learnt as ham.
     */
    @Test
    void aFiledSpamBegoneArchivesOutOfTheSpamFolderTeachesNothing() throws Exception {
        byte[] old = TestMail.pitch(50);
        dovecot.replace("alice", Map.of("Spam/False Negatives", List.of()));
        try (MailStore store = ImapMailStore.connect(alice())) {
            store.append("Spam/False Negatives", old, Set.of(), Instant.now().minus(Duration.ofDays(400)));
        }
        Path file = config("""
                { learn-spam: ["Spam/False Negatives"], after: { spam: Junk }, from-moves: true }
                    archive: [ { folder: Junk, older-than-days: 30, into: "Archive/{year}" } ]""");

        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));
        assertEquals(List.of(1L, 0L), learnt());
        assertEquals(Set.of(), ids("Junk"), "archived by the first run, after the spam folder was looked at");

        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));

        assertEquals(List.of(1L, 0L), learnt());
    }

    /**
     * The user's move of a filed spam back to INBOX, caught halfway: the copy is in INBOX while the original is still
     * in the spam folder, as another session may see Dovecot's MOVE for a moment. A run then leaves the copy where the
     * user put it (it would otherwise be filed again, and the user's judgement lost); once the move is complete, the
     * next run learns it as ham.
     */
    @Test
    void aSpamTheUserIsTakingBackIsNotFiledAgainWhileTheMoveIsHalfDone() throws Exception {
        byte[] pitch = TestMail.pitch(7);
        String id = TestMail.messageId(pitch);
        dovecot.replace("alice", Map.of("INBOX", List.of(pitch)));
        Path file = config("{ from-moves: true }\n    rules: [ \"Subject:^Exclusive offer 7$:Junk\" ]");
        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));
        assertEquals(Set.of(id), ids("Junk"), "filed by the rule");

        try (MailStore store = ImapMailStore.connect(alice()); MailStore.OpenFolder junk = store.open("Junk", false)) {
            junk.copy(junk.search(SearchCriteria.all()), "INBOX");
        }
        IsbgCli.Run between = cli().run("run", "--config", file.toString());

        assertEquals(0, between.exit(), between.toString());
        assertEquals(List.of(id), Mailbox.messageIds(alice(), "INBOX"), "left where the user put it");
        assertEquals(List.of(id), Mailbox.messageIds(alice(), "Junk"), "not filed a second time");

        try (MailStore store = ImapMailStore.connect(alice()); MailStore.OpenFolder junk = store.open("Junk", false)) {
            UidSet original = junk.search(SearchCriteria.all());
            junk.addFlags(original, Set.of("\\Deleted"));
            junk.uidExpunge(original);
        }
        assertEquals(new IsbgCli.Run(0, "", ""), cli().run("run", "--config", file.toString()));

        assertEquals(List.of(0L, 1L), learnt(), "learnt as ham from the user's move");
        assertEquals(Set.of(id), ids("INBOX"));
        assertEquals(Set.of(), ids("Junk"));
    }

    /**
     * A kill -9 once the built-in model is saved with what the user's move into the spam folder taught, before the
     * state records it: the next run sees the move again and does not learn it a second time.
     */
    @Test
    void aRunKilledOnceTheModelHoldsAUsersMoveIntoTheSpamFolderLearnsItOnce() throws Exception {
        List<byte[]> inbox = TestMail.hams(40, 2);
        dovecot.replace("alice", Map.of("INBOX", inbox));
        Path file = config("{ from-moves: true }");
        assertEquals(0, cli().run("run", "--config", file.toString()).exit(), "notes what the spam folder holds");
        Mailbox.move(alice(), "INBOX", TestMail.messageId(inbox.get(0)), "Junk");

        IsbgCli.Run killed = cli().runInChildJvm(List.of("-D" + Steps.HALT_AT_PROPERTY + "=learn.synced"),
                List.of("run", "--config", file.toString()));
        assertEquals(137, killed.exit(), killed.toString());
        assertEquals(List.of(1L, 0L), learnt());

        IsbgCli.Run next = cli().run("run", "--config", file.toString());

        assertEquals(0, next.exit(), next.toString());
        assertEquals(List.of(1L, 0L), learnt());
        assertEquals(TestMail.messageIds(inbox.subList(0, 1)), ids("Junk"));
    }

    /**
     * A kill -9 once the built-in model is saved with the spam's lessons but before the state records them, once the
     * plan to move learnt spam is journaled, and once Dovecot has moved it: the next run finishes, and learns the
     * spam, which the saved model holds already, not a second time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"learn.synced", "move.intent", "move.sent"})
    void aRunKilledBetweenLearningAndMovingLosesNothingAndLearnsNothingTwice(String step) throws Exception {
        fillReportFolders();
        Path file = config(RSPAMD_TRAINER);

        IsbgCli.Run killed = cli().runInChildJvm(List.of("-D" + Steps.HALT_AT_PROPERTY + "=" + step),
                List.of("run", "--config", file.toString()));
        assertEquals(137, killed.exit(), killed.toString());
        assertEquals(List.of(3L, 0L), learnt());

        IsbgCli.Run next = cli().run("run", "--config", file.toString());

        assertEquals(0, next.exit(), next.toString());
        assertEquals(TestMail.messageIds(SPAM), ids("learned_spam"));
        assertEquals(idsOf(HAM, REPLY), ids("learned_ham"));
        for (String f : List.of("report_spam", "report_ham", "report_spam_reply")) assertEquals(Set.of(), ids(f), f);
        assertEquals(List.of(3L, 3L), learnt());
    }
}
