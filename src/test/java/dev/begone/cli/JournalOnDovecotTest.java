package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.FaultProxy;
import dev.begone.testing.Mailbox;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.SpamdPerClass;
import dev.begone.testing.TestMail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journal keeps its promise on real Dovecot and spamd: after a crash or a dropped connection every message ends
 * up exactly once where a fault-free run puts it, whatever Message-IDs say, and an action that can never finish
 * does not stop filtering. One test per defect of issue 7 that lived in the journal, recovery or filing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class JournalOnDovecotTest {
    private static final String JUNK = "Junk";
    private static final Pattern MARK = Pattern.compile("MARK-[a-z]+");

    @RegisterExtension
    static final SpamdPerClass spamd = new SpamdPerClass();

    @TempDir
    Path dir;

    Dovecot dovecot;
    IsbgCli cli;

    /** Dovecot without TLS, so that a {@link FaultProxy} can sit in front of it; MOVE as asked. */
    void startDovecot(boolean offerMove) throws Exception {
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")),
                Dovecot.Options.DEFAULT.withStarttls(false).withMove(offerMove));
        cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
    }

    @AfterEach
    void stopDovecot() throws Exception {
        if (dovecot != null) dovecot.close();
    }

    ImapSettings alice() {
        return dovecot.settings("alice", TlsMode.STARTTLS);
    }

    List<String> isbg(String... options) {
        return isbgVia(dovecot.imapPort(), options);
    }

    /** begone isbg with spamd, filing to Junk unless {@code options} name another --spaminbox. */
    List<String> isbgVia(int port, String... options) {
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport", String.valueOf(port),
                "--nossl", "--allow-plaintext", "--imapuser", "alice", "--password-env", "PW", "--noninteractive",
                "--spamc", "--spamd", "127.0.0.1:" + spamd.port(), "--trackfile", dir.resolve("state.db").toString()));
        if (!List.of(options).contains("--spaminbox")) args.addAll(List.of("--spaminbox", JUNK));
        args.addAll(List.of(options));
        return args;
    }

    /** A GTUBE spam whose body carries {@code mark}, so that each copy of it can be counted wherever it is filed. */
    static byte[] spam(String mark, String messageId) {
        return TestMail.message("winner@lottery.example", "You won " + mark, messageId, 0,
                "Dear friend,\r\n\r\nYour code is " + mark + ".\r\n" + TestMail.GTUBE + "\r\n");
    }

    /** A spam without a Message-ID: recovery must find its copy by content as well. */
    static byte[] spamWithoutMessageId(String mark) {
        return new String(spam(mark, "dropped@lottery.example"), StandardCharsets.ISO_8859_1)
                .replace("Message-ID: <dropped@lottery.example>\r\n", "").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The marks of the folder's messages, one per message (a SpamAssassin report quotes its original), sorted. */
    List<String> marks(String folder) throws IOException {
        List<String> out = new ArrayList<>();
        for (FetchedMessage m : Mailbox.messages(alice(), folder)) {
            Set<String> inThisOne = new TreeSet<>();
            for (Matcher x = MARK.matcher(new String(m.raw(), StandardCharsets.ISO_8859_1)); x.find(); ) inThisOne.add(x.group());
            out.addAll(inThisOne);
        }
        return out.stream().sorted().toList();
    }

    List<String> sortedIds(String folder) throws IOException {
        return Mailbox.messageIds(alice(), folder).stream().sorted().toList();
    }

    static void assertRan(int exit, IsbgCli.Run run) {
        assertEquals(exit, run.exit(), run.toString());
    }

    /** Defect 1: --learnthendestroy must not destroy ham that --movehamto asks to keep. */
    @Test
    void learntHamGoesToMovehamtoEvenWhenLearntMessagesAreDestroyed() throws Exception {
        startDovecot(true);
        dovecot.deliver("alice", "LearnSpam", TestMail.spams(300, 2));
        dovecot.deliver("alice", "LearnHam", TestMail.hams(300, 3));

        assertRan(0, cli.run(isbg("--learnspambox", "LearnSpam", "--learnhambox", "LearnHam", "--movehamto", "INBOX",
                "--learnthendestroy", "--expunge", "--noreport")));

        assertEquals(List.copyOf(TestMail.messageIds(TestMail.hams(300, 3))), sortedIds("INBOX"));
        assertEquals(List.of(), sortedIds("LearnHam"));
        assertEquals(List.of(), sortedIds("LearnSpam"), "learnt spam is destroyed as asked");
    }

    /**
     * Defect 3, first case: a copy of one twin is no proof that the other was filed. A message without a Message-ID,
     * not yet uploaded when the connection dropped, is recovered the same way.
     */
    @ParameterizedTest(name = "server offers MOVE: {0}")
    @ValueSource(booleans = {true, false})
    void twoSpamsSharingAMessageIdAreBothFiledAfterTheConnectionDropsDuringTheSecondAppend(boolean offerMove)
            throws Exception {
        startDovecot(offerMove);
        dovecot.deliver("alice", "INBOX", List.of(spam("MARK-listcopy", "twin@lottery.example"),
                spam("MARK-cccopy", "twin@lottery.example"), spamWithoutMessageId("MARK-anonymous")));

        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), new FaultProxy.Policy.DropWhenClientSends("MARK-cccopy"))) {
            List<String> reportMode = isbgVia(proxy.port(), "--delete", "--expunge");
            assertRan(ExitCode.IMAP_ERROR.code(), cli.run(reportMode));
            assertEquals(1, proxy.drops());
            proxy.policy(new FaultProxy.Policy.Pass());
            assertRan(0, cli.run(reportMode));
        }

        assertEquals(List.of("MARK-anonymous", "MARK-cccopy", "MARK-listcopy"), marks(JUNK));
        assertEquals(List.of(), marks("INBOX"));
    }

    /** Defect 3, second case: an older message with the same Message-ID already in Junk is not the copy. */
    @ParameterizedTest(name = "server offers MOVE: {0}")
    @ValueSource(booleans = {true, false})
    void anOlderMessageWithTheSameMessageIdInTheSpamFolderDoesNotPassForTheCopy(boolean offerMove) throws Exception {
        startDovecot(offerMove);
        dovecot.deliver("alice", JUNK, List.of(spam("MARK-older", "again@lottery.example")));
        dovecot.deliver("alice", "INBOX", List.of(spam("MARK-newer", "again@lottery.example")));

        IsbgCli.Run killed = cli.runInChildJvm(List.of("-Dbegone.haltAt=expunge.intent"), isbg("--delete", "--expunge"));
        assertRan(137, killed);
        assertRan(0, cli.run(isbg("--delete", "--expunge")));

        assertEquals(List.of("MARK-newer", "MARK-older"), marks(JUNK));
        assertEquals(List.of(), marks("INBOX"));
    }

    /** Defect 7: a learnt-ham move cut between copy and expunge is completed without a second copy. */
    @ParameterizedTest(name = "server offers MOVE: {0}")
    @ValueSource(booleans = {true, false})
    void aLearntHamMoveCutAfterTheCopyLeavesEachHamOnceInMovehamto(boolean offerMove) throws Exception {
        startDovecot(offerMove);
        dovecot.deliver("alice", "LearnHam", TestMail.hams(400, 3));
        List<String> learn = isbg("--teachonly", "--learnhambox", "LearnHam", "--movehamto", "INBOX");

        assertRan(137, cli.runInChildJvm(List.of("-Dbegone.haltAt=move.sent"), learn));
        assertRan(0, cli.run(learn));

        assertEquals(List.copyOf(TestMail.messageIds(TestMail.hams(400, 3))), sortedIds("INBOX"));
        assertEquals(List.of(), sortedIds("LearnHam"));
    }

    /**
     * Defect 8: the scanned folder is deleted and recreated with the same spams (new UIDVALIDITY, new UIDs). What
     * begone filed before is recognised by content: not filed twice, and deleted here only if --delete says so.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--noreport", "--noreport --delete --expunge", "--delete --expunge"})
    void spamFiledBeforeIsNotFiledAgainWhenItsFolderIsRecreated(String options) throws Exception {
        startDovecot(true);
        List<byte[]> spams = List.of(spam("MARK-alpha", "alpha@lottery.example"), spam("MARK-beta", "beta@lottery.example"));
        List<String> args = new ArrayList<>(isbg("--imapinbox", "Scan"));
        args.addAll(Arrays.asList(options.split(" ")));
        dovecot.deliver("alice", "Scan", spams);
        assertRan(0, cli.run(args));
        List<String> scanAfterFirstRun = marks("Scan");
        assertEquals(List.of("MARK-alpha", "MARK-beta"), marks(JUNK));

        dovecot.deleteFolder("alice", "Scan");
        dovecot.deliver("alice", "Scan", spams);
        IsbgCli.Run second = cli.run(args);
        assertRan(0, second);

        assertEquals(List.of("MARK-alpha", "MARK-beta"), marks(JUNK), second.toString());
        assertEquals(scanAfterFirstRun, marks("Scan"), "the recreated folder ends as a fault-free run leaves it");
    }

    /**
     * An unfinished move whose target was deleted warns on every run, holds its own messages (they are not filed
     * elsewhere behind its back) without stopping the scan of the rest, and is abandoned after 7 days: nothing was
     * expunged for it, and its messages are then scanned like new ones.
     */
    @Test
    void anUnfinishableJournalEntryWarnsHoldsItsMessagesAndIsAbandonedAfterSevenDays() throws Exception {
        startDovecot(true);
        dovecot.deliver("alice", "OldJunk", List.of());
        dovecot.deliver("alice", "INBOX", List.of(TestMail.ham(500), spam("MARK-one", "one@lottery.example"),
                spam("MARK-two", "two@lottery.example")));
        assertRan(137, cli.runInChildJvm(List.of("-Dbegone.haltAt=move.intent"),
                isbg("--spaminbox", "OldJunk", "--delete", "--expunge", "--noreport")));
        dovecot.deleteFolder("alice", "OldJunk");
        dovecot.deliver("alice", "INBOX", List.of(spam("MARK-three", "three@lottery.example")));
        List<String> scan = isbg("--delete", "--expunge", "--noreport");

        for (int run = 0; run < 2; run++) {
            IsbgCli.Run stuck = cli.run(scan);
            assertRan(0, stuck);
            assertTrue(stuck.err().contains("WARNING: cannot complete move of ") && stuck.err().contains("-> OldJunk"), stuck.toString());
            assertEquals(List.of("MARK-three"), marks(JUNK));
            assertEquals(List.of("MARK-one", "MARK-two"), marks("INBOX"));
        }

        ageJournal(Duration.ofDays(7).plusMinutes(1));
        IsbgCli.Run abandoned = cli.run(scan);
        assertRan(0, abandoned);
        assertTrue(abandoned.err().contains("WARNING: gave up on move of "), abandoned.toString());
        assertEquals(List.of("MARK-one", "MARK-three", "MARK-two"), marks(JUNK));
        assertEquals(List.of(), marks("INBOX"));
        assertEquals(List.of(TestMail.messageId(TestMail.ham(500))), sortedIds("INBOX"));
        assertEquals(1, journalRows("SELECT count(*) FROM journal_entry WHERE step = 'ABANDONED'"), "it stays visible");
        IsbgCli.Run after = cli.run(scan);
        assertFalse(after.err().contains("WARNING:"), "an abandoned entry is not retried: " + after);
    }

    /**
     * Issue 10: the connection cut between learning and moving (at the command that moves learnt spam to
     * learned_spam): the next begone run finishes the move, nothing is lost or doubled, and spamd's Bayes counts each
     * message once.
     */
    @ParameterizedTest(name = "server offers MOVE: {0}")
    @ValueSource(booleans = {true, false})
    void aConnectionCutBetweenLearningAndMovingLosesNothingAndTheNextRunLearnsNothingTwice(boolean offerMove) throws Exception {
        startDovecot(offerMove);
        // The tests share spamd's Bayes: each learns messages of its own.
        int first = offerMove ? 400 : 410;
        List<byte[]> spam = TestMail.pitches(first, 3);
        List<byte[]> ham = TestMail.hams(first, 2);
        dovecot.replace("alice", Map.of("report_spam", spam, "report_ham", ham));
        long[] before = spamd.learns();
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(),
                FaultProxy.Policy.dropWhenClientSends(offerMove ? "UID MOVE" : "UID COPY"))) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    accounts:
                      - name: alice
                        classifier: spamd
                        spamd: 127.0.0.1:%d
                        imap: { host: 127.0.0.1, port: %d, tls: plaintext, user: alice, password: { env: PW } }
                        folders: { scan: [INBOX], spam: Junk }
                        training: { learn-spam: [report_spam], learn-ham: [report_ham], after: { spam: learned_spam, ham: learned_ham } }
                    """.formatted(spamd.port(), proxy.port()));

            IsbgCli.Run cut = cli.run("run", "--config", config.toString());
            assertRan(ExitCode.IMAP_ERROR.code(), cut);
            assertEquals(1, proxy.drops());
            assertTrue(Arrays.equals(new long[] {before[0] + 3, before[1]}, spamd.learns()), "spam learnt before the cut");

            proxy.policy(FaultProxy.Policy.pass());
            assertRan(0, cli.run("run", "--config", config.toString()));
        }

        assertEquals(TestMail.messageIds(spam).stream().toList(), sortedIds("learned_spam"));
        assertEquals(TestMail.messageIds(ham).stream().toList(), sortedIds("learned_ham"));
        assertEquals(List.of(), sortedIds("report_spam"));
        assertEquals(List.of(), sortedIds("report_ham"));
        long[] after = spamd.learns();
        assertTrue(Arrays.equals(new long[] {before[0] + 3, before[1] + 2}, after), Arrays.toString(before) + " -> " + Arrays.toString(after));
    }

    /** Moves the journal's clock back, as if its entries had been written {@code age} ago. */
    private void ageJournal(Duration age) throws Exception {
        onStateFile(st -> st.executeUpdate("UPDATE journal_entry SET created = created - " + age.toMillis()));
    }

    private long journalRows(String countQuery) throws Exception {
        return onStateFile(st -> {
            try (ResultSet rs = st.executeQuery(countQuery)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private interface Sql<T> {
        T run(Statement st) throws Exception;
    }

    private <T> T onStateFile(Sql<T> sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            return sql.run(st);
        }
    }
}
