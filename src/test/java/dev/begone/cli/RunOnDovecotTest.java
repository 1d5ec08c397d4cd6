package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.TlsMode;
import dev.begone.state.AccountLock;
import dev.begone.state.StatePaths;
import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerPerClass;
import dev.begone.testing.Mailbox;
import dev.begone.testing.TestMail;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code begone run} on a real Dovecot with two accounts, alice and bob, each training the built-in classifier from
 * its own folders (20 spam, 20 ham: what the built-in classifier needs before it decides) and then scanning its inbox.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RunOnDovecotTest {
    private static final int TRAINING = 20;
    private static final List<byte[]> INBOX_HAM = TestMail.hams(100, 3);
    private static final List<byte[]> INBOX_SPAM = TestMail.pitches(100, 2);

    @RegisterExtension
    static final ServerPerClass<Dovecot> server = new ServerPerClass<>(Dovecot::start);

    @TempDir
    Path home;

    private static Dovecot dovecot() {
        return server.get();
    }

    /** Each test starts from the same mailboxes: training folders and an inbox of ham with spam among it. */
    @BeforeEach
    void fillMailboxes() throws Exception {
        List<byte[]> inbox = new ArrayList<>(INBOX_HAM);
        inbox.add(1, INBOX_SPAM.get(0));
        inbox.add(INBOX_SPAM.get(1));
        for (String user : List.of("alice", "bob")) {
            dovecot().replace(user, Map.of("TrainSpam", TestMail.pitches(0, TRAINING), "TrainHam", TestMail.hams(0, TRAINING),
                    "INBOX", inbox, "Junk", List.of(), "Trash", List.of(), "LearntSpam", List.of(), "LearntHam", List.of()));
        }
    }

    /** A configuration of {@code accounts}, every one on this Dovecot with the built-in classifier and no partial run. */
    Path config(String accounts) throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                defaults:
                  classifier: builtin
                  partial-run: 0
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s }
                  folders: { scan: [INBOX], spam: Junk }
                  training: { learn-spam: [TrainSpam], learn-ham: [TrainHam] }
                accounts:
                %s""".formatted(dovecot().imapsPort(), dovecot().certPem(), accounts));
        return file;
    }

    static final String ALICE_AND_BOB = """
              - name: alice
                imap: { user: alice, password: { env: ALICE_PW } }
                training: { after: { spam: LearntSpam, ham: LearntHam } }
              - name: bob
                imap: { user: bob, password: { env: BOB_PW } }
                training: { after: flag }
            """;

    IsbgCli cli() {
        return new IsbgCli(home).env("ALICE_PW", Dovecot.PASSWORDS.get("alice")).env("BOB_PW", Dovecot.PASSWORDS.get("bob"));
    }

    Set<String> idsIn(String user, String folder) throws Exception {
        return new TreeSet<>(Mailbox.messageIds(dovecot().settings(user, TlsMode.IMPLICIT), folder));
    }

    void assertSpamFiled(String user) throws Exception {
        assertEquals(TestMail.messageIds(INBOX_SPAM), idsIn(user, "Junk"), user);
        assertEquals(TestMail.messageIds(INBOX_HAM), idsIn(user, "INBOX"), user);
    }

    void assertUntouched(String user) throws Exception {
        assertEquals(Set.of(), idsIn(user, "Junk"), user);
        assertEquals(INBOX_HAM.size() + INBOX_SPAM.size(), idsIn(user, "INBOX").size(), user);
        assertEquals(TRAINING, idsIn(user, "TrainSpam").size(), user);
    }

    @Test
    void eachAccountHasItsSpamFiledAndItsLearntMailHandledAsItsAfterSaysAndAQuietRunPrintsNothing() throws Exception {
        Path file = config(ALICE_AND_BOB);

        IsbgCli.Run run = cli().run("run", "--config", file.toString());

        assertEquals(new IsbgCli.Run(0, "", ""), run);
        assertSpamFiled("alice");
        assertSpamFiled("bob");
        // alice: after { spam: LearntSpam, ham: LearntHam } moves; the folders did not exist and were created.
        assertEquals(TestMail.messageIds(TestMail.pitches(0, TRAINING)), idsIn("alice", "LearntSpam"));
        assertEquals(TestMail.messageIds(TestMail.hams(0, TRAINING)), idsIn("alice", "LearntHam"));
        assertEquals(Set.of(), idsIn("alice", "TrainSpam"));
        // bob: after flag leaves them where they are, flagged.
        List<FetchedMessage> bobsTraining = Mailbox.messages(dovecot().settings("bob", TlsMode.IMPLICIT), "TrainSpam");
        assertEquals(TRAINING, bobsTraining.size());
        assertTrue(bobsTraining.stream().allMatch(m -> m.flags().contains("\\Flagged")), "bob's learnt spam is flagged");

        // On a terminal the table is shown even when all went well; nothing is new on the second run.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"run", "--config", file.toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true), cli().env(), true);
        assertEquals(0, exit, err.toString());
        assertEquals("", err.toString());
        List<String> table = out.toString().lines().toList();
        assertEquals(3, table.size(), out.toString());
        assertTrue(table.get(0).matches("account +exit +outcome +scanned +spam +learnt +time +error"), table.get(0));
        assertTrue(table.get(1).matches("alice +0 +ok +0 +0 +0 +\\d+\\.\\ds"), table.get(1));
        assertTrue(table.get(2).matches("bob +0 +ok +0 +0 +0 +\\d+\\.\\ds"), table.get(2));
    }

    @Test
    void onATerminalTheFirstScanOfABigFolderShowsABarWhoseLineIsBlankBeforeTheTable() throws Exception {
        dovecot().replace("alice", Map.of("TrainSpam", TestMail.pitches(0, TRAINING), "TrainHam", TestMail.hams(0, TRAINING),
                "INBOX", TestMail.hams(100, ScanProgress.BAR_FROM), "Junk", List.of(), "Trash", List.of()));
        Path file = config("""
                  - name: alice
                    imap: { user: alice, password: { env: ALICE_PW } }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);

        int exit = Main.run(new String[] {"run", "--config", file.toString()}, new PrintWriter(out, true), errWriter, cli().env(),
                true, Terminal.progressBars(errWriter, true, Map.of("COLUMNS", "100")));

        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("alice: INBOX") && err.toString().contains(ScanProgress.BAR_FROM + "/" + ScanProgress.BAR_FROM
                + " msgs"), err.toString());
        assertTrue(!err.toString().contains("\n") && err.toString().endsWith("\r" + " ".repeat(99) + "\r"), "one line, blank: " + err);
        List<String> table = out.toString().lines().toList();
        assertEquals(2, table.size(), out.toString());
        assertTrue(table.get(1).matches("alice +0 +ok +" + ScanProgress.BAR_FROM + " +0 +40 +\\d+\\.\\ds"), table.get(1));
    }

    @Test
    void aWrongPasswordFailsOnlyThatAccountWithOneLineAndIsbgsImapExitCode() throws Exception {
        Path file = config(ALICE_AND_BOB);

        IsbgCli.Run run = cli().env("BOB_PW", "not-bobs-password").run("run", "--config", file.toString());

        assertEquals(ExitCode.IMAP_ERROR.code(), run.exit(), run.toString());
        assertSpamFiled("alice");
        List<String> errors = run.err().lines().toList();
        assertEquals(1, errors.size(), run.toString());
        assertTrue(errors.get(0).startsWith("begone: bob: IMAP: "), run.toString());
        assertTrue(errors.get(0).toLowerCase().contains("authentication failed"), run.toString());
        List<String> table = run.out().lines().toList();
        assertEquals(3, table.size(), run.toString());
        assertTrue(table.get(1).matches("alice +0 +ok +5 +2 +40 +\\d+\\.\\ds"), run.toString());
        assertTrue(table.get(2).matches("bob +11 +IMAP +- +- +- +\\d+\\.\\ds +IMAP: .*"), run.toString());
        assertTrue(!run.toString().contains("not-bobs-password"), run.toString());
    }

    @Test
    void accountOptionRunsOnlyTheNamedAccountsAndAnUnknownNameIsRefusedBeforeAnyConnection() throws Exception {
        Path file = config("""
                  - name: alice
                    imap: { user: alice, password: { env: ALICE_PW } }
                    training: { after: delete }
                  - name: bob
                    imap: { user: bob, password: { env: BOB_PW } }
                """);

        IsbgCli.Run run = cli().run("run", "--config", file.toString(), "--account", "alice");

        assertEquals(new IsbgCli.Run(0, "", ""), run);
        assertSpamFiled("alice");
        // after: delete moves learnt mail to the trash (Dovecot's \Trash folder here).
        assertEquals(2 * TRAINING, idsIn("alice", "Trash").size());
        assertUntouched("bob");

        IsbgCli.Run unknown = cli().run("run", "--config", file.toString(), "--account", "carol");
        assertEquals(ExitCode.BAD_ARGUMENTS.code(), unknown.exit(), unknown.toString());
        assertEquals("begone: --account carol: " + file + " has no such account (it has alice, bob)",
                unknown.err().lines().findFirst().orElseThrow());
        assertUntouched("bob");
    }

    @Test
    void anAccountAnotherProcessHoldsIsRefusedWithExit30AndTheOthersGoOn() throws Exception {
        Path file = config(ALICE_AND_BOB);
        Path aliceLock = StatePaths.defaults(cli().env()).lockFile("alice@127.0.0.1:" + dovecot().imapsPort());

        IsbgCli.Run run;
        try (AccountLock held = AccountLock.acquire(aliceLock, Duration.ZERO, false)) {
            run = cli().run("run", "--config", file.toString());
        }

        assertEquals(ExitCode.LOCKED.code(), run.exit(), run.toString());
        assertUntouched("alice");
        assertSpamFiled("bob");
        List<String> errors = run.err().lines().toList();
        assertEquals(1, errors.size(), run.toString());
        assertTrue(errors.get(0).startsWith("begone: alice: another begone run holds " + aliceLock.toRealPath()), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("alice +30 +locked .*")), run.toString());
    }

}
