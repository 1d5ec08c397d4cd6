package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad configuration file is reported as one line, {@code file:line:column: key: what was expected}, with exit
 * code 10, before anything connects: every file here points its IMAP server at a loopback listener that counts
 * the connections it gets, and {@code --connect} is given, so a connection made too early would show.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfigErrorsTest {
    private static ServerSocket trap;
    private static final AtomicInteger connections = new AtomicInteger();
    private static final String ACCOUNT_KEYS = "name, imap, folders, partial-run, max-size, periodic-minutes, poll-seconds, "
            + "classifier, spamd, rspamd, "
            + "rspamd-controller, rspamd-password-file, rspamd-threshold, jobs, rules, rules-file, tagged-addresses, "
            + "no-spam-check, levels, unsure, allow, deny, duplicates, retention, archive, training";

    @TempDir
    Path dir;

    @BeforeAll
    static void openTrap() throws IOException {
        trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("config-errors-trap").start(() -> {
            // Ends when the socket is closed after the tests; a caught client is hung up on at once.
            while (!trap.isClosed()) {
                try (Socket s = trap.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void closeTrap() throws IOException {
        trap.close();
    }

    /** {@code PORT} in a case's text is the trap's port. */
    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("unknown top-level key", """
                        acounts:
                          - name: alice
                        """, "1:1: acounts: unknown key (expected one of: defaults, accounts, metrics)"),
                bad("unknown account key", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            partialrun: 5
                        """, "4:5: accounts[0].partialrun: unknown key (expected one of: " + ACCOUNT_KEYS + ")"),
                bad("unknown key inherited from defaults", """
                        defaults:
                          imap: { host: 127.0.0.1, prot: 993 }
                        accounts:
                          - name: alice
                            imap: { port: PORT, user: alice, password: { env: PW } }
                        """, "2:28: defaults.imap.prot: unknown key (expected one of: host, port, tls, ca, user, password)"),
                bad("port of the wrong type", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: imaps, user: alice, password: { env: PW } }
                        """, "3:36: accounts[0].imap.port: expected a whole number from 1 to 65535, got the string 'imaps'"),
                bad("port out of range", """
                        accounts:
                          - name: alice
                            imap:
                              host: 127.0.0.1
                              port: 99999
                              user: alice
                              password: { env: PW }
                        """, "5:13: accounts[0].imap.port: expected a whole number from 1 to 65535, got 99999"),
                bad("host with a space", """
                        accounts:
                          - name: alice
                            imap: { host: "imap example.org", port: PORT, user: alice, password: { env: PW } }
                        """, "3:19: accounts[0].imap.host: expected a host name or IP address, got 'imap example.org'"),
                bad("tls word not known", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, tls: ssl, user: alice, password: { env: PW } }
                        """, "3:48: accounts[0].imap.tls: expected one of implicit, starttls, plaintext, got 'ssl'"),
                bad("account without a name", """
                        accounts:
                          - imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                        """, "2:5: accounts[0].name: missing (expected the account's name)"),
                bad("two accounts with one name", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: bob, password: { env: PW } }
                        """, "4:11: accounts[1].name: expected a name no other account has; accounts[0].name on line 2 is also alice"),
                bad("name that cannot label a metric", """
                        accounts:
                          - name: "alice smith"
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                        """, "2:11: accounts[0].name: expected a name of letters, digits and . _ @ + - (at most 64, starting with a "
                        + "letter or digit), got 'alice smith'"),
                bad("name in defaults", """
                        defaults:
                          name: everyone
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                        """, "2:9: defaults.name: expected in each account, not in defaults"),
                bad("password written in a file others can read", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, user: alice, password: hunter2, port: PORT }
                        """, "3:53: accounts[0].imap.password: expected {command: CMD}, {env: VAR}, {file: PATH} or "
                        + "{keyring: \"SERVICE ACCOUNT\"}; a password written here needs the file to be readable by its owner "
                        + "only (chmod 600 FILE)"),
                bad("two password sources", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, user: alice, password: { env: PW, file: pw.txt }, port: PORT }
                        """, "3:53: accounts[0].imap.password: expected exactly one of {command: CMD}, {env: VAR}, {file: PATH} or "
                        + "{keyring: \"SERVICE ACCOUNT\"}"),
                bad("keyring with one word", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, user: alice, password: { keyring: imap }, port: PORT }
                        """, "3:64: accounts[0].imap.password.keyring: expected \"SERVICE ACCOUNT\" (two words), got 'imap'"),
                bad("unknown classifier", """
                        accounts:
                          - name: alice
                            classifier: spamc
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                        """, "3:17: accounts[0].classifier: expected builtin, spamd, spamassassin or rspamd, or several joined by +, "
                        + "got 'spamc'"),
                bad("routing rule with a bad regular expression", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            rules:
                              - "From:.*@example\\\\.org:lists"
                              - "Subject:([ann:announce"
                        """, "6:9: accounts[0].rules[1]: expected a valid regular expression, got '([ann' (Unclosed character class)"),
                bad("routing rule without a folder", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            rules: ["From:.*@example\\\\.org"]
                        """, "4:13: accounts[0].rules[0]: expected Header[,Header]:pattern:folder|DROP, got 'From:.*@example\\.org'"),
                bad("levels out of order", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            levels:
                              - { above: 10, folder: Spam/high }
                              - { above: 5, folder: Spam }
                        """, "6:18: accounts[0].levels[1].above: expected levels in rising order, each above the one before (above 10: Spam/high), got 5"),
                bad("overlapping levels", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            levels:
                              - { above: 5, folder: Spam }
                              - { above: 5, action: drop }
                        """, "6:18: accounts[0].levels[1].above: expected levels in rising order, each above the one before (above 5: Spam), got 5"),
                bad("level with both a folder and an action", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            levels: [{ above: 5, folder: Spam, action: drop }]
                        """, "4:14: accounts[0].levels[0]: expected either folder: NAME or action: drop|delete"),
                bad("duplicates by an unknown key", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            duplicates: { by: subject, action: drop }
                        """, "4:23: accounts[0].duplicates.by: expected one of message-id, body, got 'subject'"),
                bad("retention with an unknown action", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            retention:
                              - { folder: Spam, older-than-days: 60, action: archive }
                        """, "5:54: accounts[0].retention[0].action: expected one of trash, delete, got 'archive'"),
                bad("archive with an unknown placeholder", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            archive: [{ folder: done, older-than-days: 30, into: "Archive/{yr}" }]
                        """, "4:58: accounts[0].archive[0].into: expected only the placeholders {year} and {month}, got {yr}"),
                bad("training after with an unknown word", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            training: { learn-spam: [report_spam], after: move }
                        """, "4:51: accounts[0].training.after: expected one of delete, flag, got 'move'"),
                bad("a key given twice", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            jobs: 4
                            jobs: 8
                        """, "5:5: accounts[0].jobs: expected each key once; it is also on line 4"),
                bad("periodic-minutes of the wrong type", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            periodic-minutes: often
                        """, "4:23: accounts[0].periodic-minutes: expected a whole number from 1 to 1440, got the string 'often'"),
                bad("periodic-minutes of none", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            periodic-minutes: 0
                        """, "4:23: accounts[0].periodic-minutes: expected a whole number from 1 to 1440, got 0"),
                bad("poll-seconds below one in defaults", """
                        defaults:
                          poll-seconds: -5
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                        """, "2:17: defaults.poll-seconds: expected a whole number from 1 to 3600, got -5"),
                bad("poll-seconds of a fraction", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            poll-seconds: 0.5
                        """, "4:19: accounts[0].poll-seconds: expected a whole number from 1 to 3600, got the number 0.5"),
                bad("sender pattern without an address", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                            allow: [example.org]
                        """, "4:13: accounts[0].allow[0]: expected an address with * wildcards, such as *@example.org, got 'example.org'"),
                bad("empty file", """
                        # nothing but a comment
                        """, " the file is empty (expected accounts:)"),
                bad("a list where the file's mapping belongs", """
                        - name: alice
                        """, "1:1: expected a mapping (key: value), got a list"),
                bad("a second document", """
                        accounts: []
                        ---
                        accounts: []
                        """, "2:1: not valid YAML: expected a single document in the stream that starts on line 1, but found another document"),
                bad("no accounts", """
                        accounts: []
                        """, "1:11: accounts: expected at least one account"),
                bad("not YAML", """
                        accounts:
                          - name: alice
                            imap: { host: 127.0.0.1, port: PORT
                        """, "4:1: not valid YAML: while parsing a flow mapping that starts on line 3, expected ',' or '}', but got <stream end>"));
    }

    private static Arguments bad(String what, String yaml, String expected) {
        return Arguments.of(what, yaml, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileGivesOneLineWithItsPositionExit10AndNoConnection(String what, String yaml, String expected) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml.replace("PORT", String.valueOf(trap.getLocalPort())));
        // Readable by others, so that an inline password is refused; no other case depends on it.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        int before = connections.get();

        IsbgCli.Run run = new IsbgCli(dir).env("PW", "secret").run("config", "check", "--connect", "--config", file.toString());

        assertEquals(10, run.exit(), run.toString());
        assertEquals(List.of(file + ":" + expected.replace("FILE", file.toString())), run.err().lines().toList(), run.toString());
        assertEquals("", run.out(), run.toString());
        assertEquals(before, connections.get(), "a connection was made before the configuration was found bad");
    }

    @Test
    void badRuleInRulesFileIsReportedAtItsLineAndColumnInThatFile() throws IOException {
        Path rules = dir.resolve("alice.rules");
        Files.writeString(rules, """
                # alice's rules
                From:.*@lists\\.example\\.org:lists

                  Subject:^\\[ann(:announce
                """);
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: alice
                    imap: { host: 127.0.0.1, port: PORT, user: alice, password: { env: PW } }
                    rules-file: alice.rules
                """.replace("PORT", String.valueOf(trap.getLocalPort())));
        int before = connections.get();

        IsbgCli.Run run = new IsbgCli(dir).run("config", "check", "--connect", "--config", file.toString());

        assertEquals(10, run.exit(), run.toString());
        assertEquals(List.of(rules + ":4:18: rule: expected a valid regular expression, got '^\\[ann(' (Unclosed group)"),
                run.err().lines().toList(), run.toString());
        assertEquals(before, connections.get());
    }

    @Test
    void missingFileSaysWhereBegoneLooked() {
        Path file = dir.resolve("nowhere.yaml");
        IsbgCli.Run run = new IsbgCli(dir).run("config", "check", "--config", file.toString());
        assertEquals(10, run.exit(), run.toString());
        assertEquals(List.of(file + ": no such file (begone looks for $XDG_CONFIG_HOME/begone/config.yaml, or give --config FILE)"),
                run.err().lines().toList());
    }

    /** The control: the same kind of file, valid, does reach the listener, so the cases above prove something. */
    @Test
    void validFileDoesConnectToTheTrap() throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: alice
                    imap: { host: 127.0.0.1, port: PORT, tls: plaintext, user: alice, password: { env: PW } }
                """.replace("PORT", String.valueOf(trap.getLocalPort())));
        int before = connections.get();

        IsbgCli.Run run = new IsbgCli(dir).env("PW", "secret").run("config", "check", "--connect", "--config", file.toString());

        assertEquals(11, run.exit(), run.toString());
        assertEquals(before + 1, connections.get(), run.toString());
    }
}
