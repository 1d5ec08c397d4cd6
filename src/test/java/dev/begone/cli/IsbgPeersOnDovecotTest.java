package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.state.AccountLock;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Mailbox;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.Spamd;
import dev.begone.testing.TestMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * begone isbg and the programs and servers around it, on a real Dovecot: a message the classifier cannot take
 * never stops filtering, child programs never see the password, and one account is one account however its host
 * is spelled.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IsbgPeersOnDovecotTest {
    @TempDir
    Path dir;

    Dovecot dovecot;
    IsbgCli cli;
    Path home;

    @BeforeEach
    void startDovecot() throws Exception {
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")));
        home = Files.createDirectories(dir.resolve("home"));
        cli = new IsbgCli(home).env("PW", Dovecot.PASSWORDS.get("alice"));
    }

    @AfterEach
    void stopDovecot() throws Exception {
        if (dovecot != null) dovecot.close();
    }

    ImapSettings alice() {
        return dovecot.settings("alice", TlsMode.IMPLICIT);
    }

    List<String> isbg(String host, String... extra) {
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", host, "--imapport",
                String.valueOf(dovecot.imapsPort()), "--imapuser", "alice", "--password-env", "PW", "--noninteractive",
                "--spaminbox", "Junk", "--tls-ca", dovecot.certPem().toString()));
        args.addAll(List.of(extra));
        return args;
    }

    /** A spam of about {@code bytes} bytes: over sa-learn's 500 KB limit when {@code bytes} is. */
    static byte[] bigSpam(int bytes) {
        StringBuilder body = new StringBuilder("Dear friend,\r\n");
        for (int i = 0; body.length() < bytes; i++) body.append("Act now for your prize number ").append(i).append(".\r\n");
        return TestMail.message("big@lottery.example", "A big prize", "big-spam@lottery.example", 1, body.toString());
    }

    @Test
    void aMessageSaLearnRefusesIsSkippedTriedThreeTimesThenLeftWhereItIsAndTheScanStillRuns() throws Exception {
        ServerProcess.assumeInstalled("sa-learn", "spamassassin");
        byte[] big = bigSpam(600 * 1024);
        dovecot.deliver("alice", "Learn/Spam", List.of(big));
        List<String> args = isbg("127.0.0.1", "--learnspambox", "Learn/Spam");

        for (int attempt = 1; attempt <= 3; attempt++) {
            IsbgCli.Run run = cli.run(args);
            assertEquals(0, run.exit(), run.toString());
            String line = run.err().lines().filter(l -> l.startsWith("begone: Learn/Spam uid 1 skipped: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line about the refused message: " + run));
            assertTrue(line.contains(big.length + " bytes, spamassassin failed: " + big.length
                    + " bytes is over sa-learn's limit of 512000 bytes (its --max-size)"), line);
            assertTrue(line.endsWith(attempt < 3 ? "(attempt " + attempt + " of 3, tried again next run)"
                    : "(attempt 3 of 3: given up, the message stays where it is)"), line);
            assertTrue(run.err().contains("0 spams found in 0 messages"), "the scan ran: " + run);
            assertTrue(run.err().contains("1 spams not learned because the classifier failed on them: "
                    + (attempt < 3 ? "1 to be tried again next run, 0 given up" : "0 to be tried again next run, 1 given up")),
                    run.toString());
        }
        IsbgCli.Run after = cli.run(args);
        assertEquals(0, after.exit(), after.toString());
        assertFalse(after.err().contains("uid 1 skipped"), "given up on: not tried again: " + after);
        assertEquals(List.of(TestMail.messageId(big)), Mailbox.messageIds(alice(), "Learn/Spam"));
        String key = "alice@127.0.0.1:" + dovecot.imapsPort();
        try (StateStore state = StateStore.open(StatePaths.defaults(cli.env()).accountDb(key))) {
            var failures = state.messageFailures(key);
            assertEquals(1, failures.size(), failures.toString());
            assertEquals(3, failures.get(0).attempts());
            assertEquals(Mailbox.sha256(big), failures.get(0).fingerprint());
        }
    }

    @Test
    void aTrainingMessageTooLargeToFetchIsSkippedWithoutFetchingItAndTheRunGoesOn() throws Exception {
        byte[] huge = bigSpam(Math.toIntExact(ImapSettings.DEFAULT_MAX_LITERAL_BYTES + 1024));
        dovecot.deliver("alice", "Learn/Spam", List.of(huge, TestMail.pitch(1)));
        IsbgCli.Run run = cli.run(isbg("127.0.0.1", "--classifier", "builtin", "--learnspambox", "Learn/Spam"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("begone: Learn/Spam uid 1 skipped: " + huge.length + " bytes, builtin failed: "
                + huge.length + " bytes is over the largest message begone fetches (" + ImapSettings.DEFAULT_MAX_LITERAL_BYTES
                + " bytes) (attempt 1 of 3, tried again next run)"), run.toString());
        assertTrue(run.err().contains("1/2 spams learned"), run.toString());
    }

    @Test
    void childProgramsNeverSeeTheVariableHoldingThePassword() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path seen = dir.resolve("env-seen");
        for (String program : List.of("spamassassin", "sa-learn")) {
            Path script = bin.resolve(program);
            Files.writeString(script, "#!/bin/sh\nenv > '" + seen + "'\n"
                    + "printf 'X-Spam-Status: No, score=0.0 required=5.0 tests=none\\r\\n'\ncat\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        dovecot.deliver("alice", "INBOX", TestMail.hams(0, 1));
        cli.env("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        IsbgCli.Run run = cli.runInChildJvm(List.of(), isbg("127.0.0.1", "--noreport"));
        assertEquals(0, run.exit(), run.toString());
        String env = Files.readString(seen);
        assertTrue(env.contains("HOME=" + home), env);
        assertFalse(env.lines().anyMatch(l -> l.startsWith("PW=")), "the password's variable reached spamassassin");
    }

    @Test
    void hostNamesSpelledDifferentlyShareOneLockAndOneState() throws Exception {
        dovecot.deliver("alice", "INBOX", TestMail.hams(0, 2));
        long uidValidity;
        try (MailStore store = ImapMailStore.connect(alice()); MailStore.OpenFolder inbox = store.open("INBOX", true)) {
            uidValidity = inbox.uidValidity();
        }
        // An earlier begone recorded both messages under the host as the user spelled it.
        try (StateStore state = StateStore.open(home.resolve("state/begone/state.db"))) {
            state.addScanned("alice@LocalHost:" + dovecot.imapsPort(), "INBOX", uidValidity, UidSet.range(1, 2));
        }
        IsbgCli.Run spelled = cli.run(isbg("LocalHost", "--classifier", "builtin"));
        assertEquals(0, spelled.exit(), spelled.toString());
        assertTrue(spelled.err().contains("0 spams found in 0 messages"), "the old spelling's state was kept: " + spelled);

        dovecot.deliver("alice", "INBOX", TestMail.hams(2, 1));
        IsbgCli.Run lower = cli.run(isbg("localhost", "--classifier", "builtin"));
        assertTrue(lower.err().contains("0 spams found in 1 messages"), lower.toString());
        IsbgCli.Run upper = cli.run(isbg("LOCALHOST", "--classifier", "builtin"));
        assertTrue(upper.err().contains("0 spams found in 0 messages"), "one state for every spelling: " + upper);

        Path lockFile = StatePaths.defaults(cli.env()).lockFile("alice@localhost:" + dovecot.imapsPort());
        try (AccountLock held = AccountLock.acquire(lockFile, Duration.ofMinutes(240), false)) {
            IsbgCli.Run locked = cli.run(isbg("LocalHost", "--classifier", "builtin"));
            assertEquals(ExitCode.LOCKED.code(), locked.exit(), locked.toString());
        }
    }

    /**
     * A spammer's message dressed as a SpamAssassin report: the pitch in the wrapper, an innocent letter as its
     * "original".
     */
    static byte[] fakeReportWrapper() {
        String boundary = "----------=_6B026D4F.A28DBDCF";
        String innocent = new String(TestMail.ham(7), StandardCharsets.US_ASCII);
        String text = "From: winner@lottery.example\r\nTo: bob@example.org\r\nSubject: Your prize\r\n"
                + "Message-ID: <fake-report@lottery.example>\r\nX-Spam-Flag: NO\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "Claim your prize now!\r\n" + TestMail.GTUBE + "\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: message/rfc822; x-spam-type=original\r\n\r\n" + innocent + "\r\n"
                + "--" + boundary + "--\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void spamWrappedInAFakeSpamAssassinReportIsJudgedByItsMoreSpammyPart() throws Exception {
        try (Spamd spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")))) {
            dovecot.deliver("alice", "INBOX", List.of(fakeReportWrapper()));
            IsbgCli.Run run = cli.run(isbg("127.0.0.1", "--spamc", "--spamd", "127.0.0.1:" + spamd.port(), "--noreport"));
            assertEquals(0, run.exit(), run.toString());
            assertTrue(run.err().contains("1 spams found in 1 messages"), run.toString());
            assertEquals(List.of("<fake-report@lottery.example>"), Mailbox.messageIds(alice(), "Junk"));
        }
    }

    @Test
    void deleteHigherThanAtOrBelowSpamdsOwnThresholdIsRefusedBeforeAnythingIsDeleted() throws Exception {
        try (Spamd spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")))) {
            dovecot.deliver("alice", "INBOX", TestMail.spams(0, 1));
            IsbgCli.Run run = cli.run(isbg("127.0.0.1", "--spamc", "--spamd", "127.0.0.1:" + spamd.port(),
                    "--deletehigherthan", "3", "--expunge", "--noreport"));
            assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
            assertEquals("begone: --deletehigherthan 3 is at or below the spam threshold 5 of classifier spamd (it scores "
                    + "in SpamAssassin points and calls spam from required_score (5 by default)): every spam would be "
                    + "deleted without a copy; give a value above 5", run.err().lines().findFirst().orElse(""), run.toString());
            assertEquals(List.of(TestMail.messageId(TestMail.spam(0))), Mailbox.messageIds(alice(), "INBOX"));
        }
    }

    @Test
    void savepwUnderDryrunWritesNothing() throws Exception {
        IsbgCli.Run run = cli.run(isbg("127.0.0.1", "--classifier", "builtin", "--savepw", "--dryrun"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("begone: --dryrun: the password is not saved"), run.toString());
        assertFalse(Files.exists(home.resolve("state/begone/passwords")), "a password file was written");
    }
}
