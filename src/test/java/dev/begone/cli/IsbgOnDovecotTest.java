package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.TlsMode;
import dev.begone.state.AccountLock;
import dev.begone.testing.Dovecot;
import dev.begone.testing.FaultProxy;
import dev.begone.testing.Mailbox;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.Spamd;
import dev.begone.testing.TestMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** begone isbg against real Dovecot and real spamd: what an isbg user relies on, end to end. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IsbgOnDovecotTest {
    private static final String SPAM = "Junk";

    @TempDir
    static Path spamdDir;

    static Spamd spamd;

    @TempDir
    Path dir;

    Dovecot dovecot;
    boolean tlsOffered;
    IsbgCli cli;

    @BeforeAll
    static void startSpamd() throws Exception {
        ServerProcess.assumeInstalled("spamd", "spamd");
        spamd = Spamd.start(spamdDir);
    }

    @AfterAll
    static void stopSpamd() throws Exception {
        if (spamd != null) spamd.close();
    }

    void startDovecot(Dovecot.Options options) throws Exception {
        tlsOffered = options.starttls();
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        Path mailDir = Files.createDirectories(dir.resolve("dovecot"));
        dovecot = Dovecot.start(mailDir, options);
        cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
    }

    @AfterEach
    void stopDovecot() throws Exception {
        if (dovecot != null) dovecot.close();
    }

    ImapSettings alice() {
        return dovecot.settings("alice", tlsOffered ? TlsMode.IMPLICIT : TlsMode.STARTTLS);
    }

    List<String> isbg(String... extra) {
        return isbgOnPort(dovecot.imapsPort(), extra);
    }

    List<String> isbgOnPort(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport",
                String.valueOf(port), "--imapuser", "alice", "--password-env", "PW", "--noninteractive",
                "--spamc", "--spamd", "127.0.0.1:" + spamd.port(), "--spaminbox", SPAM));
        if (tlsOffered) args.addAll(List.of("--tls-ca", dovecot.certPem().toString()));
        args.addAll(List.of(extra));
        return args;
    }

    void deliver(List<byte[]> messages) throws Exception {
        dovecot.deliver("alice", "INBOX", messages);
    }

    static List<byte[]> mixed(int hams, int spams) {
        List<byte[]> all = new ArrayList<>(TestMail.hams(0, hams));
        all.addAll(TestMail.spams(0, spams));
        return all;
    }


    Set<String> idsIn(String folder) throws Exception {
        return new TreeSet<>(Mailbox.messageIds(alice(), folder));
    }

    @Test
    void spamIsMovedToSpamFolderAndHamStaysAndSecondRunScansNothing() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(4, 3));

        IsbgCli.Run first = cli.run(isbg("--delete", "--expunge", "--noreport"));
        assertEquals(0, first.exit(), first.toString());
        assertEquals(TestMail.messageIds(TestMail.spams(0, 3)), idsIn(SPAM));
        assertEquals(TestMail.messageIds(TestMail.hams(0, 4)), idsIn("INBOX"));
        assertTrue(first.err().contains("3 spams found in 7 messages"), first.toString());
        assertTrue(first.err().contains("3/3 was automatically deleted"), first.toString());

        IsbgCli.Run second = cli.run(isbg("--delete", "--expunge", "--noreport"));
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.err().contains("0 spams found in 0 messages"), second.toString());
    }

    @Test
    void withoutDeleteTheInboxIsLeftUntouchedAndSpamIsCopiedOnce() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(2, 2));

        assertEquals(0, cli.run(isbg("--noreport")).exit());
        assertEquals(0, cli.run(isbg("--noreport")).exit());

        assertEquals(TestMail.messageIds(mixed(2, 2)), idsIn("INBOX"));
        assertEquals(List.copyOf(TestMail.messageIds(TestMail.spams(0, 2))), Mailbox.messageIds(alice(), SPAM).stream().sorted().toList());
    }

    @Test
    void reportModeFilesTheSpamAssassinRewriteWithOriginalDateAndFlags() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(TestMail.spams(0, 1));
        try (MailStore store = ImapMailStore.connect(alice()); MailStore.OpenFolder inbox = store.open("INBOX", false)) {
            inbox.addFlags(inbox.search(dev.begone.imap.SearchCriteria.all()), Set.of("\\Seen", "\\Flagged"));
        }
        FetchedMessage original = Mailbox.messages(alice(), "INBOX").get(0);

        IsbgCli.Run run = cli.run(isbg());
        assertEquals(0, run.exit(), run.toString());

        List<FetchedMessage> filed = Mailbox.messages(alice(), SPAM);
        assertEquals(1, filed.size());
        String text = new String(filed.get(0).raw(), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("X-Spam-Status: Yes"), text);
        assertEquals(original.internalDate(), filed.get(0).internalDate());
        assertTrue(filed.get(0).flags().containsAll(Set.of("\\Seen", "\\Flagged")), filed.get(0).flags().toString());
        assertEquals(1, Mailbox.messages(alice(), "INBOX").size(), "isbg leaves the inbox alone without --delete");
    }

    @Test
    void flagOptionFlagsSpamInTheInbox() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 1));
        assertEquals(0, cli.run(isbg("--flag", "--noreport")).exit());
        for (FetchedMessage m : Mailbox.messages(alice(), "INBOX")) {
            boolean isSpam = new String(m.raw(), StandardCharsets.ISO_8859_1).contains(TestMail.GTUBE);
            assertEquals(isSpam, m.flags().contains("\\Flagged"), "uid " + m.uid());
        }
    }

    @Test
    void dryRunScoresButChangesAndRecordsNothing() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(2, 2));
        IsbgCli.Run dry = cli.run(isbg("--dryrun", "--delete", "--expunge", "--noreport"));
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.err().contains("2 spams found in 4 messages"), dry.toString());
        assertEquals(TestMail.messageIds(mixed(2, 2)), idsIn("INBOX"));
        assertEquals(Set.of(), idsIn(SPAM));
        assertTrue(Mailbox.messages(alice(), "INBOX").stream().noneMatch(m -> m.flags().contains("\\Seen")));

        IsbgCli.Run real = cli.run(isbg("--delete", "--expunge", "--noreport"));
        assertTrue(real.err().contains("2 spams found in 4 messages"), "the dry run recorded nothing: " + real);
    }

    @Test
    void partialRunScansTheNewestMessagesFirst() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(5, 0));
        IsbgCli.Run run = cli.run(isbg("--partialrun", "2", "--exitcodes"));
        assertTrue(run.err().contains("0 spams found in 2 messages"), run.toString());
        IsbgCli.Run rest = cli.run(isbg("--partialrun", "0"));
        assertTrue(rest.err().contains("0 spams found in 3 messages"), rest.toString());
    }

    @Test
    void exitCodesTellWhetherNewMailWasHamSpamOrBoth() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        assertEquals(ExitCode.OK.code(), cli.run(isbg("--exitcodes", "--noreport")).exit(), "nothing new");
        deliver(TestMail.hams(0, 2));
        assertEquals(ExitCode.NEW_HAM.code(), cli.run(isbg("--exitcodes", "--noreport")).exit());
        deliver(TestMail.spams(0, 2));
        assertEquals(ExitCode.NEW_SPAM.code(), cli.run(isbg("--exitcodes", "--noreport")).exit());
        deliver(mixed(1, 1).stream().map(m -> rename(m, "again")).toList());
        assertEquals(ExitCode.NEW_MIXED.code(), cli.run(isbg("--exitcodes", "--noreport")).exit());
        deliver(TestMail.spams(10, 1));
        assertEquals(ExitCode.OK.code(), cli.run(isbg("--noreport")).exit(), "without --exitcodes");
    }

    private static byte[] rename(byte[] message, String suffix) {
        return new String(message, StandardCharsets.ISO_8859_1).replace("@example.org>", "." + suffix + "@example.org>")
                .replace("@lottery.example>", "." + suffix + "@lottery.example>").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void unreachableSpamdExitsTwelveAndMovesOrRecordsNothing() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 2));
        int closedPort = ServerProcess.freePorts(1)[0];
        List<String> args = isbg("--delete", "--expunge", "--noreport");
        args.set(args.indexOf("127.0.0.1:" + spamd.port()), "127.0.0.1:" + closedPort);
        IsbgCli.Run run = cli.run(args);
        assertEquals(ExitCode.CLASSIFIER_ERROR.code(), run.exit(), run.toString());
        assertEquals(TestMail.messageIds(mixed(1, 2)), idsIn("INBOX"));

        IsbgCli.Run retry = cli.run(isbg("--delete", "--expunge", "--noreport"));
        assertTrue(retry.err().contains("2 spams found in 3 messages"), "nothing was recorded as scanned: " + retry);
    }

    @Test
    void wrongPasswordExitsElevenWithoutShowingThePassword() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        cli.env("PW", "not-the-password-xyz");
        IsbgCli.Run run = cli.run(isbg("--verbose"));
        assertEquals(ExitCode.IMAP_ERROR.code(), run.exit(), run.toString());
        assertTrue(!run.err().contains("not-the-password-xyz") && !run.out().contains("not-the-password-xyz"), run.toString());
    }

    @Test
    void verboseShowsTheImapDialogueWithThePasswordRedacted() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 1));
        IsbgCli.Run run = cli.run(isbg("--verbose", "--noreport"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("UID SEARCH") || run.err().contains("uid search"), run.err());
        assertTrue(!run.err().contains(Dovecot.PASSWORDS.get("alice")), "password leaked into the trace");
    }

    @Test
    void selfSignedCertificateIsRefusedWithoutTlsCa() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        List<String> args = isbg();
        int at = args.indexOf("--tls-ca");
        args.remove(at);
        args.remove(at);
        IsbgCli.Run run = cli.run(args);
        assertEquals(ExitCode.IMAP_ERROR.code(), run.exit(), run.toString());
        assertTrue(run.err().contains("not trusted"), run.err());
        assertEquals(1, run.err().lines().count(), "one clear line: " + run.err());
    }

    @Test
    void serverWithoutStarttlsIsRefusedUnderNosslUnlessPlaintextIsAllowed() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT.withStarttls(false));
        List<String> args = isbgOnPort(dovecot.imapPort(), "--nossl", "--noreport");
        IsbgCli.Run refused = cli.run(args);
        assertEquals(ExitCode.IMAP_ERROR.code(), refused.exit(), refused.toString());
        assertTrue(refused.err().contains("STARTTLS"), refused.err());

        args.add("--allow-plaintext");
        IsbgCli.Run allowed = cli.run(args);
        assertEquals(0, allowed.exit(), allowed.toString());
    }

    @Test
    void badArgumentsGiveOneLineAndExitTen() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        for (List<String> bad : List.of(
                List.of("isbg", "--imaphost", "h"),
                List.of("isbg", "--imaphost", "h", "--imapuser", "u", "--partialrun", "-1"),
                List.of("isbg", "--imaphost", "h", "--imapuser", "u", "--deletehigherthan", "0.5"),
                List.of("isbg", "--imaphost", "h", "--imapuser", "u", "--maxsize", "x"),
                List.of("isbg", "--no-such-option"))) {
            IsbgCli.Run run = cli.run(bad);
            assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), bad + ": " + run);
            assertTrue(run.err().startsWith("begone: "), run.toString());
        }
    }

    @Test
    void missingPasswordWithoutTerminalExitsTwenty() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        List<String> args = isbg();
        int at = args.indexOf("--password-env");
        args.remove(at);
        args.remove(at);
        assertEquals(ExitCode.NO_TERMINAL.code(), cli.run(args).exit());
        args.remove("--noninteractive");
        assertEquals(ExitCode.NO_TERMINAL.code(), cli.run(args).exit(), "tests have no console");
    }

    @Test
    void anotherRunHoldingTheLockExitsThirty() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        Path lockFile = dir.resolve("the.lock");
        try (AccountLock held = AccountLock.acquire(lockFile, Duration.ofMinutes(240), false)) {
            IsbgCli.Run run = cli.run(isbg("--lockfilename", lockFile.toString()));
            assertEquals(ExitCode.LOCKED.code(), run.exit(), run.toString());
        }
        assertEquals(0, cli.run(isbg("--lockfilename", lockFile.toString())).exit());
    }

    @Test
    void savedPasswordIsUsedByLaterRunsAndReadableOnlyByItsOwner() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        Path pwFile = dir.resolve("pw");
        assertEquals(0, cli.run(isbg("--savepw", "--passwdfilename", pwFile.toString())).exit());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile)));
        List<String> args = isbg("--passwdfilename", pwFile.toString());
        int at = args.indexOf("--password-env");
        args.remove(at);
        args.remove(at);
        assertEquals(0, cli.run(args).exit());
    }

    @Test
    void imaplistShowsFoldersWithSpecialUse() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        IsbgCli.Run run = cli.run(isbg("--imaplist"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("Junk") && run.err().contains("\\Junk"), run.err());
        assertTrue(run.err().contains("Trash") && run.err().contains("\\Trash"), run.err());
    }

    @Test
    void gmailModeDeletesByCopyingToTheSpecialUseTrash() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 2));
        IsbgCli.Run run = cli.run(isbg("--gmail", "--delete", "--noreport"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals(TestMail.messageIds(TestMail.spams(0, 2)), idsIn("Trash"));
        assertEquals(TestMail.messageIds(TestMail.spams(0, 2)), idsIn(SPAM));
    }

    @Test
    void deleteHigherThanDeletesWithoutFiling() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 2));
        IsbgCli.Run run = cli.run(isbg("--deletehigherthan", "100", "--expunge", "--noreport"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals(Set.of(), idsIn(SPAM));
        assertEquals(TestMail.messageIds(TestMail.hams(0, 1)), idsIn("INBOX"));
        assertTrue(run.err().contains("2/2 was automatically deleted"), run.toString());
    }

    @Test
    void learnedSpamIsDestroyedAndNeverLearnedTwice() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        dovecot.deliver("alice", "Learn/Spam", TestMail.spams(100, 2));
        dovecot.deliver("alice", "Learn/Ham", TestMail.hams(100, 2));
        List<String> learn = isbg("--teachonly", "--learnspambox", "Learn/Spam", "--learnhambox", "Learn/Ham",
                "--learnthenflag");
        IsbgCli.Run first = cli.run(learn);
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.err().contains("/2 spams learned") && first.err().contains("/2 hams learned"), first.toString());
        assertTrue(Mailbox.messages(alice(), "Learn/Ham").stream().allMatch(m -> m.flags().contains("\\Flagged")),
                "--learnthenflag flags what was learnt");

        IsbgCli.Run second = cli.run(learn);
        assertTrue(second.err().contains("0/0 spams learned") && second.err().contains("0/0 hams learned"), second.toString());

        IsbgCli.Run destroy = cli.run(isbg("--teachonly", "--learnspambox", "Learn/Spam", "--learnthendestroy", "--expunge",
                "--learnflagged"));
        assertEquals(0, destroy.exit(), destroy.toString());
    }

    @Test
    void learntHamIsMovedWithMovehamto() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        try (MailStore store = ImapMailStore.connect(alice())) {
            store.create("Learned/Ham");
        }
        dovecot.deliver("alice", "Learn/Ham", TestMail.hams(200, 3));
        IsbgCli.Run run = cli.run(isbg("--teachonly", "--learnhambox", "Learn/Ham", "--movehamto", "Learned/Ham"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals(Set.of(), idsIn("Learn/Ham"));
        assertEquals(TestMail.messageIds(TestMail.hams(200, 3)), idsIn("Learned/Ham"));
    }

    @Test
    void builtinClassifierLearnsFromTrainingFoldersThenFilesSpamWithItsModelInTheStateDir() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        dovecot.deliver("alice", "Learn/Spam", TestMail.spams(1000, 25));
        dovecot.deliver("alice", "Learn/Ham", TestMail.hams(1000, 25));
        deliver(mixed(5, 3));
        List<String> args = isbg("--classifier", "builtin", "--learnspambox", "Learn/Spam", "--learnhambox", "Learn/Ham",
                "--delete", "--expunge", "--noreport");
        args.remove("--spamc");

        IsbgCli.Run run = cli.run(args);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("25/25 spams learned") && run.err().contains("25/25 hams learned"), run.toString());
        assertEquals(TestMail.messageIds(TestMail.spams(0, 3)), idsIn(SPAM));
        assertEquals(TestMail.messageIds(TestMail.hams(0, 5)), idsIn("INBOX"));
        try (var models = Files.list(dir.resolve("home/state/begone/models"))) {
            assertEquals(1, models.filter(p -> p.getFileName().toString().endsWith("-builtin.model")).count());
        }
    }

    @Test
    void untrainedBuiltinClassifierLeavesEveryMessageAlone() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(2, 2));
        List<String> args = isbg("--classifier", "builtin", "--delete", "--expunge", "--noreport", "--exitcodes");
        args.remove("--spamc");
        IsbgCli.Run run = cli.run(args);
        assertEquals(ExitCode.NEW_HAM.code(), run.exit(), run.toString());
        assertEquals(TestMail.messageIds(mixed(2, 2)), idsIn("INBOX"));
    }

    @Test
    void passwordCommandSuppliesThePassword() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        List<String> args = isbg("--noreport");
        int at = args.indexOf("--password-env");
        args.set(at, "--password-command");
        args.set(at + 1, "printf '%s\\n' \"$PW\"");
        IsbgCli.Run run = cli.run(args);
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void tlsInsecureConnectsButWarnsOnEveryRun() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        List<String> args = isbg("--noreport");
        int at = args.indexOf("--tls-ca");
        args.set(at, "--tls-insecure");
        args.remove(at + 1);
        for (int i = 0; i < 2; i++) {
            IsbgCli.Run run = cli.run(args);
            assertEquals(0, run.exit(), run.toString());
            assertTrue(run.err().contains("--tls-insecure: the server's certificate is NOT verified"), run.err());
        }
    }

    static List<byte[]> malformed() {
        String head = "From: odd@example.org\r\nTo: bob@example.org\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n";
        List<String> texts = List.of(
                head + "Message-ID: <bad-mime@example.org>\r\nSubject: truncated\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nno end",
                head + "Message-ID: <bad-b64@example.org>\r\nSubject: bad base64\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\n",
                head + "Message-ID: <bad-charset@example.org>\r\nSubject: =?x-unknown-42?B?w6nDqQ==?=\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: text/plain; charset=x-unknown-42\r\n\r\nbody\r\n",
                head + "Message-ID: <eight-bit@example.org>\r\nSubject: R\u00e9sum\u00e9 \u00fcber alles\r\n\r\n\u00e9\u00e8\u00ea\r\n",
                head + "Message-ID: <long-line@example.org>\r\nSubject: long line\r\n\r\n" + "x".repeat(300_000) + "\r\n",
                "Message-ID: <no-headers-to-speak-of@example.org>\r\n\r\njust a body\r\n");
        return texts.stream().map(t -> t.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spamd", "builtin"})
    void malformedMessagesAreScoredAndNeverStopARun(String classifier) throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        List<byte[]> odd = new ArrayList<>(malformed());
        odd.addAll(TestMail.spams(0, 1));
        deliver(odd);
        List<String> args = isbg("--classifier", classifier, "--maxsize", "1000000", "--noreport", "--delete", "--expunge");
        args.remove("--spamc");
        IsbgCli.Run run = cli.run(args);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("in " + odd.size() + " messages"), run.toString());
        Set<String> everywhere = new TreeSet<>(idsIn("INBOX"));
        everywhere.addAll(idsIn(SPAM));
        assertEquals(TestMail.messageIds(odd), everywhere);
    }

    /** kill -9 at each step of a move on a server without MOVE: nothing lost, no duplicate, the next run finishes. */
    @ParameterizedTest
    @ValueSource(strings = {"move.intent", "move.sent", "move.copied", "move.done"})
    void runKilledBetweenCopyAndExpungeLosesNothingAndNextRunFinishesWithoutDuplicates(String step) throws Exception {
        startDovecot(Dovecot.Options.DEFAULT.withMove(false));
        deliver(mixed(2, 3));
        IsbgCli.Run killed = cli.runInChildJvm(List.of("-Dbegone.haltAt=" + step), isbg("--delete", "--expunge", "--noreport"));
        assertEquals(137, killed.exit(), killed.toString());
        Set<String> everywhere = new TreeSet<>(idsIn("INBOX"));
        everywhere.addAll(idsIn(SPAM));
        assertEquals(TestMail.messageIds(mixed(2, 3)), everywhere, "after a kill at " + step + " every message is in some folder");

        IsbgCli.Run next = cli.run(isbg("--delete", "--expunge", "--noreport"));
        assertEquals(0, next.exit(), next.toString());
        assertEquals(TestMail.messageIds(TestMail.spams(0, 3)), idsIn(SPAM));
        assertEquals(3, Mailbox.messageIds(alice(), SPAM).size(), "no duplicate copies after a kill at " + step);
        assertEquals(TestMail.messageIds(TestMail.hams(0, 2)), idsIn("INBOX"));
    }

    @Test
    void runKilledAfterCopyWithoutDeleteDoesNotCopyAgain() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT);
        deliver(mixed(1, 2));
        IsbgCli.Run killed = cli.runInChildJvm(List.of("-Dbegone.haltAt=copy.sent"), isbg("--noreport"));
        assertEquals(137, killed.exit(), killed.toString());
        assertEquals(0, cli.run(isbg("--noreport")).exit());
        assertEquals(2, Mailbox.messageIds(alice(), SPAM).size(), "the copy made before the kill was recognised");
        assertEquals(TestMail.messageIds(mixed(1, 2)), idsIn("INBOX"));
    }

    @Test
    void connectionDroppedMidRunLosesNothingAndNextRunFinishes() throws Exception {
        startDovecot(Dovecot.Options.DEFAULT.withStarttls(false).withMove(false));
        deliver(mixed(2, 2));
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), new FaultProxy.Policy.DropWhenClientSends("UID EXPUNGE"))) {
            List<String> args = isbgOnPort(proxy.port(), "--nossl", "--allow-plaintext", "--delete", "--expunge", "--noreport");
            IsbgCli.Run dropped = cli.run(args);
            assertEquals(ExitCode.IMAP_ERROR.code(), dropped.exit(), dropped.toString());
            Set<String> everywhere = new TreeSet<>(idsIn("INBOX"));
            everywhere.addAll(idsIn(SPAM));
            assertEquals(TestMail.messageIds(mixed(2, 2)), everywhere);

            proxy.policy(new FaultProxy.Policy.Pass());
            IsbgCli.Run next = cli.run(args);
            assertEquals(0, next.exit(), next.toString());
        }
        assertEquals(TestMail.messageIds(TestMail.spams(0, 2)), idsIn(SPAM));
        assertEquals(2, Mailbox.messageIds(alice(), SPAM).size());
        assertEquals(TestMail.messageIds(TestMail.hams(0, 2)), idsIn("INBOX"));
    }
}
