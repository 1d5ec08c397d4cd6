package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerPerClass;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code begone config check --connect} against a real Dovecot: each account is checked on its own. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConfigCheckOnDovecotTest {
    @RegisterExtension
    static final ServerPerClass<Dovecot> server = new ServerPerClass<>(Dovecot::start);

    @TempDir
    Path home;

    private static Dovecot dovecot() {
        return server.get();
    }

    private Path config(String accounts) throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                defaults:
                  classifier: builtin
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s }
                  folders: { scan: [INBOX], spam: Junk }
                accounts:
                %s""".formatted(dovecot().imapsPort(), dovecot().certPem(), accounts));
        return file;
    }

    @Test
    void wrongPasswordOnOneAccountIsReportedWithExit11WhileTheOtherChecksFine() throws Exception {
        Path file = config("""
                  - name: alice
                    imap: { user: alice, password: { env: ALICE_PW } }
                    training: { learn-spam: [report_spam] }
                  - name: bob
                    imap: { user: bob, password: { env: BOB_PW } }
                """);

        IsbgCli.Run run = new IsbgCli(home).env("ALICE_PW", Dovecot.PASSWORDS.get("alice")).env("BOB_PW", "not-bobs-password")
                .run("config", "check", "--connect", "--config", file.toString());

        assertEquals(11, run.exit(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.equals(
                        "alice: logged in, folders found, classifier builtin answers; not on the server yet (created when first used): report_spam")),
                run.toString());
        List<String> errors = run.err().lines().toList();
        assertEquals(1, errors.size(), run.toString());
        assertTrue(errors.get(0).startsWith("bob: IMAP: "), run.toString());
        assertTrue(errors.get(0).toLowerCase().contains("authentication failed"), run.toString());
        assertTrue(run.out().endsWith(file + ": 2 accounts, 1 failed\n"), run.toString());
        assertFalse(run.out().contains("not-bobs-password") || run.err().contains("not-bobs-password"), run.toString());
    }

    @Test
    void missingSpamFolderFailsTheAccountWithExit10AndServerTrashIsFoundBySpecialUse() throws Exception {
        Path file = config("""
                  - name: alice
                    imap: { user: alice, password: { command: "echo %s" } }
                    folders: { spam: Spam/nowhere }
                """.formatted(Dovecot.PASSWORDS.get("alice")));

        IsbgCli.Run run = new IsbgCli(home).run("config", "check", "--connect", "--config", file.toString());

        assertEquals(10, run.exit(), run.toString());
        assertEquals(List.of("alice: spam folder Spam/nowhere is not on the server (begone isbg --imaplist lists them)"),
                run.err().lines().toList());
    }

    @Test
    void classifierThatDoesNotAnswerGivesExit12() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path file = config("""
                  - name: alice
                    classifier: spamd
                    spamd: 127.0.0.1:%d
                    imap: { user: alice, password: { env: ALICE_PW } }
                """.formatted(closedPort));

        IsbgCli.Run run = new IsbgCli(home).env("ALICE_PW", Dovecot.PASSWORDS.get("alice"))
                .run("config", "check", "--connect", "--config", file.toString());

        assertEquals(12, run.exit(), run.toString());
        List<String> errors = run.err().lines().toList();
        assertEquals(1, errors.size(), run.toString());
        assertTrue(errors.get(0).startsWith("alice: classifier spamd: "), run.toString());
    }

    @Test
    void withoutConnectNothingIsResolvedOrContacted() throws Exception {
        Path file = config("""
                  - name: alice
                    imap: { user: alice, password: { command: "exit 3" } }
                """);

        IsbgCli.Run run = new IsbgCli(home).run("config", "check", "--config", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err());
        assertEquals(List.of(
                        "alice: alice at 127.0.0.1:" + dovecot().imapsPort() + " (tls implicit, ca " + dovecot().certPem() + "), password from command",
                        "  folders: scan INBOX; spam Junk; trash the server's \\Trash",
                        "  classifier builtin, jobs 4; partial-run 50, max-size 120000",
                        file + ": 1 account, valid"),
                run.out().lines().toList());
    }
}
