package dev.begone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.config.Filing.Duplicates;
import dev.begone.config.Filing.Level;
import dev.begone.config.Housekeeping.Archive;
import dev.begone.config.Housekeeping.Retention;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** What a configuration file means once read: defaults applied, paths resolved, secrets kept out of sight. */
class ConfigurationTest {
    private static final Path EXAMPLE = Path.of("examples/config.yaml");

    @TempDir
    Path dir;

    private final Map<String, String> env = Map.of("HOME", "/home/alice");

    @Test
    void shippedExampleParsesWithEveryKeyBound() throws ConfigException, IOException {
        Configuration c = Configuration.load(EXAMPLE, env);

        assertEquals(List.of("alice", "bob", "carol", "dave"), c.accounts().stream().map(AccountConfig::name).toList());
        assertEquals(Optional.of(new Configuration.Metrics(new Address("127.0.0.1", 9154))), c.metrics());

        AccountConfig alice = c.account("alice").orElseThrow();
        Path examples = EXAMPLE.toAbsolutePath().getParent();
        assertEquals(new ImapConfig("imap.example.org", 993, ImapConfig.Tls.IMPLICIT, Optional.of(Path.of("/etc/ssl/my-ca.pem")),
                "alice@example.org", new PasswordRef.Command("pass show mail/alice")), alice.imap());
        assertEquals(new Folders(List.of("INBOX", "Lists"), Optional.of("Spam"), Optional.of("Trash")), alice.folders());
        assertEquals(new Limits(50, 1_000_000), alice.limits());
        assertEquals(new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(60)), alice.schedule());
        assertEquals(new ClassifierConfig(List.of("spamd"), new Address("127.0.0.1", 783),
                new ClassifierConfig.Rspamd(URI.create("http://127.0.0.1:11333"), URI.create("http://127.0.0.1:11334"),
                        Optional.of(Path.of("/home/alice/.config/begone/rspamd-password")), OptionalDouble.of(6)), 4), alice.classifier());

        Filing f = alice.filing();
        assertEquals(List.of(
                        "From:.*@lists\\.example\\.org:lists/example",
                        "Subject,X-Subject:^\\[ann\\]:announce",
                        "To:.*unwanted@.*:DROP",
                        "List-Id:<[^>]*\\.lists\\.example\\.org>:lists",
                        "Subject:Logwatch for:security",
                        "From,Sender:noreply@vendor\\.example:vendors",
                        "X-Spam-Flag:^YES$:DROP"),
                f.routing().rules().stream().map(RoutingRule::toString).toList());
        assertEquals(EXAMPLE + ":" + lineOf(EXAMPLE, "\"From:.*@lists"), f.routing().rules().get(0).origin());
        assertEquals(examples.resolve("alice.rules") + ":3", f.routing().rules().get(3).origin());
        assertTrue(f.routing().taggedAddresses());
        assertEquals(List.of("lists/example"), f.routing().noSpamCheck());
        assertEquals(new Filing.Senders(List.of("*@example.org", "friend@example.net"), List.of("*@spammer.example")), f.senders());
        assertEquals(Optional.of(new Duplicates(Duplicates.By.MESSAGE_ID, 14, Duplicates.Keep.FIRST, new Destination.Folder("Duplicates"))),
                f.duplicates());
        assertEquals(new Filing.Levels(List.of(
                        new Level(5, new Destination.Folder("Spam")),
                        new Level(10, new Destination.Folder("Spam/high")),
                        new Level(20, new Destination.Drop())), Optional.of("Spam/maybe")),
                f.levels());
        assertEquals(new Housekeeping(
                        List.of(new Retention("Spam", 60, Retention.Removal.TRASH), new Retention("Unfiltered", 14, Retention.Removal.TRASH)),
                        List.of(new Archive("INBOX/done", 30, "Archive/{year}/{month}"))),
                alice.housekeeping());
        assertEquals(new Training(
                        List.of("report_spam", "Spam/False Negatives", "spam/missed"),
                        List.of("report_ham", "report_spam_reply", "Spam/False Positives", "spam/falsepositive"),
                        List.of("spam/whitelist"), Optional.of("INBOX"),
                        new Training.After.Move(Optional.of("learned_spam"), Optional.of("learned_ham")),
                        Optional.of("learn_errors"), Optional.of("learn_undecodable"), true),
                alice.training());
    }

    @Test
    void exampleUsesEveryAccountKeyAndReadmeDocumentsEveryKeyOfTheExample() throws Exception {
        Set<String> used = new TreeSet<>();
        keysOf(Yaml.parse("example", Files.readString(EXAMPLE)).node(), used);
        for (String key : ConfigReader.ACCOUNT_KEYS) assertTrue(used.contains(key), "examples/config.yaml does not use " + key);
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## `begone evaluate`"));
        for (String key : used) assertTrue(section.contains(key + ":"), "README's Configuration section does not document " + key);
    }

    private static void keysOf(Node node, Set<String> into) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                into.add(((ScalarNode) t.getKeyNode()).getValue());
                keysOf(t.getValueNode(), into);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node n : s.getValue()) keysOf(n, into);
        }
    }

    @Test
    void accountsInheritDefaultsKeyByKeyInImapAndFoldersAndWholeElsewhere() throws ConfigException {
        Configuration c = Configuration.load(EXAMPLE, env);

        AccountConfig bob = c.account("bob").orElseThrow();
        assertEquals("imap.example.org", bob.imap().host(), "host from defaults.imap");
        assertEquals(993, bob.imap().port(), "port from defaults.imap");
        assertEquals(new PasswordRef.Keyring("imap", "bob@example.org"), bob.imap().password());
        assertEquals(List.of("rspamd", "builtin"), bob.classifier().names(), "the account's classifier replaces the default");
        assertEquals(Optional.empty(), bob.folders().spam(), "no spam folder: the server's \\Junk");
        assertEquals(List.of("INBOX"), bob.folders().scan(), "scan from defaults.folders");
        assertEquals(Optional.of(new Duplicates(Duplicates.By.BODY, 14, Duplicates.Keep.LAST, new Destination.Drop())), bob.filing().duplicates());
        assertEquals(Filing.Levels.NONE, bob.filing().levels(), "levels are alice's own, not inherited");
        assertEquals(Training.NONE, bob.training());

        AccountConfig carol = c.account("carol").orElseThrow();
        assertEquals(new Address("mail.example.net", 993), carol.imap().address(), "own host, inherited port");
        assertEquals(new PasswordRef.Env("CAROL_IMAP_PASSWORD"), carol.imap().password());

        AccountConfig dave = c.account("dave").orElseThrow();
        assertEquals(ImapConfig.Tls.STARTTLS, dave.imap().tls());
        assertEquals(new Schedule(Duration.ofMinutes(60), Duration.ofSeconds(30)), dave.schedule(), "dave's own schedule");
        assertEquals(Schedule.DEFAULT, carol.schedule(), "the schedule of defaults:");
        assertEquals(new PasswordRef.File(Path.of("/home/alice/.config/begone/dave-password")), dave.imap().password());
    }

    @Test
    void leftOutKeysTakeDocumentedDefaults() throws Exception {
        AccountConfig a = load("""
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, tls: starttls, user: alice, password: { env: PW } }
                """).accounts().get(0);
        assertEquals(143, a.imap().port(), "starttls defaults to port 143");
        assertEquals(new Folders(List.of("INBOX"), Optional.empty(), Optional.empty()), a.folders());
        assertEquals(Limits.DEFAULT, a.limits());
        assertEquals(new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(60)), a.schedule(), "every 10 minutes, polls every 60 s");
        assertEquals(ClassifierConfig.DEFAULT, a.classifier());
        assertEquals(Filing.NONE, a.filing());
        assertEquals(Housekeeping.NONE, a.housekeeping());
        assertEquals(Training.NONE, a.training());
    }

    @Test
    void eachAccountHasTheScheduleOfDefaultsOrItsOwnKeyByKey() throws Exception {
        Configuration c = load("""
                defaults:
                  periodic-minutes: 5
                  poll-seconds: 30
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, user: alice, password: { env: PW } }
                  - name: bob
                    imap: { host: imap.example.org, user: bob, password: { env: PW } }
                    periodic-minutes: 20
                  - name: carol
                    imap: { host: imap.example.org, user: carol, password: { env: PW } }
                    poll-seconds: 1
                """);
        assertEquals(new Schedule(Duration.ofMinutes(5), Duration.ofSeconds(30)), c.account("alice").orElseThrow().schedule());
        assertEquals(new Schedule(Duration.ofMinutes(20), Duration.ofSeconds(30)), c.account("bob").orElseThrow().schedule());
        assertEquals(new Schedule(Duration.ofMinutes(5), Duration.ofSeconds(1)), c.account("carol").orElseThrow().schedule());
    }

    @Test
    void inlinePasswordIsAcceptedInAnOwnerOnlyFileAndNeverPrinted() throws Exception {
        Configuration c = load("""
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, user: alice, password: "hunter2 is my password" }
                """);
        AccountConfig a = c.accounts().get(0);
        assertEquals(new PasswordRef.Inline("hunter2 is my password"), a.imap().password());
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertTrue(a.toString().contains("password=inline ***"), a.toString());
    }

    @Test
    void passwordCommandIsNotPrintedEither() throws Exception {
        AccountConfig a = load("""
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, user: alice, password: { command: "echo hunter2" } }
                """).accounts().get(0);
        assertFalse(a.toString().contains("hunter2"), a.toString());
    }

    @Test
    void yaml12KeepsNoAndOnAsFolderNames() throws Exception {
        AccountConfig a = load("""
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, user: alice, password: { env: PW } }
                    folders: { scan: [no, on, 2024], spam: off }
                """).accounts().get(0);
        assertEquals(List.of("no", "on", "2024"), a.folders().scan());
        assertEquals(Optional.of("off"), a.folders().spam());
    }

    @Test
    void singleFolderMayBeWrittenWithoutAList() throws Exception {
        AccountConfig a = load("""
                accounts:
                  - name: alice
                    imap: { host: imap.example.org, user: alice, password: { env: PW } }
                    folders: { scan: INBOX }
                    rules: "List-Id:.:lists"
                """).accounts().get(0);
        assertEquals(List.of("INBOX"), a.folders().scan());
        assertEquals(1, a.filing().routing().rules().size());
    }

    @Test
    void ruleKeepsColonsInsideItsPatternAndTrimsAroundTheOuterOnes() {
        RoutingRule r = RuleSyntax.parse("X-Mailer , Received : host:port \\d+ : lists/ops", "f:1");
        assertEquals(List.of("X-Mailer", "Received"), r.headers());
        assertEquals("host:port \\d+", r.pattern());
        assertEquals(new Destination.Folder("lists/ops"), r.target());
    }

    @Test
    void recordsRefuseWhatTheFileWouldHaveRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Filing.Levels(
                List.of(new Level(10, new Destination.Drop()), new Level(5, new Destination.Drop())), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Address("imap example.org", 993));
        assertThrows(IllegalArgumentException.class, () -> new Address("imap.example.org", 0));
        assertThrows(IllegalArgumentException.class, () -> new RoutingRule(List.of("From"), ".", new Destination.Delete(), "f:1"));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(Duration.ZERO, Duration.ofSeconds(60)));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(-1)));
    }

    @Test
    void defaultFileFollowsXdg() {
        assertEquals(Path.of("/x/begone/config.yaml"), Configuration.defaultFile(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/begone/config.yaml"), Configuration.defaultFile(Map.of("XDG_CONFIG_HOME", "rel", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/begone/config.yaml"), Configuration.defaultFile(Map.of("HOME", "/h")));
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i + 1;
        throw new AssertionError(text + " is not in " + file);
    }

    /** Reads {@code yaml} from a file readable by its owner only. */
    private Configuration load(String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return Configuration.load(file, env);
    }
}
