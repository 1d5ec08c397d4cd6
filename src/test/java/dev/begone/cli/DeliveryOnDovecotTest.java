package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Mailbox;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery rules under {@code begone run} on a real Dovecot, scored by a real spamd: one configuration that uses
 * every rule kind (routing with DROP and a rules file, tagged addresses, no-spam-check, three score levels and the
 * unsure band, allow and deny (and the allow-list a whitelist folder fills), duplicates by Message-ID for alice and by body for bob, retention to the trash and for
 * good, archives by year and month) over a mixed sample, generated
 * messages that each hit one rule and, when the shared corpus is there, real mail routed by a header added to it.
 *
 * <p>The classifier is spamd fused with a built-in model that never learns: the fusion then follows spamd alone, as
 * a probability (the score in percent, {@code 100 / (1 + e^(5 - points))}), and has an unsure band (50 to 98). Local
 * SpamAssassin rules give the messages of each band their points: 7 unsure, 10 spam, 14 level 1, 21 level 2, GTUBE's
 * 1000 the drop level.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeliveryOnDovecotTest {
    private static final String LOCAL_RULES = """
            header BEGONE_UNSURE Subject =~ /\\bgrey-zone\\b/
            score BEGONE_UNSURE 7
            header BEGONE_SPAM Subject =~ /\\bplain-spam\\b/
            score BEGONE_SPAM 10
            header BEGONE_LOW Subject =~ /\\blevel-low\\b/
            score BEGONE_LOW 14
            header BEGONE_HIGH Subject =~ /\\blevel-high\\b/
            score BEGONE_HIGH 21
            """;

    private static final String TEST_ID = "X-Test-Id";
    private static final Pattern TEST_ID_LINE = Pattern.compile("(?m)^X-Test-Id: (\\S+)\r?$");

    @TempDir
    static Path serverDir;

    @TempDir
    static Path spamdDir;

    static Dovecot dovecot;
    static Spamd spamd;
    /** Up to 20 corpus messages, each with an X-Test-Id and the X-Corpus header a rule routes by. */
    static List<byte[]> corpus = List.of();

    @TempDir
    Path home;

    @BeforeAll
    static void startServers() throws Exception {
        dovecot = Dovecot.start(serverDir);
        spamd = Spamd.start(spamdDir, Spamd.Config.DEFAULT, LOCAL_RULES);
        Optional<Path> root = SharedCorpus.root();
        if (root.isPresent()) {
            List<byte[]> sample = SharedCorpus.sample(root.get(), 20);
            List<byte[]> marked = new ArrayList<>();
            for (int i = 0; i < sample.size(); i++) {
                byte[] head = (TEST_ID + ": corpus-" + i + "\r\nX-Corpus: yes\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] m = new byte[head.length + sample.get(i).length];
                System.arraycopy(head, 0, m, 0, head.length);
                System.arraycopy(sample.get(i), 0, m, head.length, sample.get(i).length);
                marked.add(m);
            }
            corpus = marked;
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            if (spamd != null) spamd.close();
        } finally {
            if (dovecot != null) dovecot.close();
        }
    }

    // ---- the sample and the table

    /** One generated message: its id, where it is put before the run, and the folder the rules must send it to. */
    record Row(String account, String id, String from, String to, String subject, String extraHeaders, String body,
            String expected) {}

    private static final String GTUBE = Spamd.GTUBE;

    /**
     * Old mail for retention and archives: an id, the account and folder it is put in with an INTERNALDATE this many
     * days back (at noon UTC, so that no time zone moves its month), and where it must be after the run (null: gone).
     */
    record Aged(String account, String id, String folder, int daysAgo, String expected) {}

    static final List<Aged> AGED = List.of(
            new Aged("alice", "whitelisted", "Whitelist", 1, "INBOX"), // its sender joins the allow-list
            new Aged("alice", "junk-old", "Junk", 100, "Trash"),
            new Aged("alice", "junk-recent", "Junk", 10, "Junk"),
            new Aged("alice", "done-old", "Done", 400, "Archive/" + archiveMonth(400)),
            new Aged("alice", "done-older", "Done", 800, "Archive/" + archiveMonth(800)),
            new Aged("alice", "done-recent", "Done", 5, "Done"),
            new Aged("bob", "old-old", "Old", 20, null),
            new Aged("bob", "old-recent", "Old", 3, "Old"));

    private static ZonedDateTime noonDaysAgo(int days) {
        return ZonedDateTime.now(ZoneOffset.UTC).minusDays(days).withHour(12).withMinute(0).withSecond(0).withNano(0);
    }

    /** {@code yyyy/MM} of the day, as the archive names it in this JVM's zone (the run's). */
    private static String archiveMonth(int daysAgo) {
        return DateTimeFormatter.ofPattern("yyyy/MM", Locale.ROOT).format(noonDaysAgo(daysAgo).withZoneSameInstant(java.time.ZoneId.systemDefault()));
    }

    /** In delivery order within each account's INBOX: duplicates by Message-ID and body depend on it. */
    static final List<Row> TABLE = List.of(
            row("alice", "ham", "erin@example.com", "Lunch on Friday", "Shall we meet at noon?", "INBOX"),
            row("alice", "list", "news@lists.example.org", "Weekly digest", GTUBE, "lists/example"), // no-spam-check
            row("alice", "announce", "events@example.com", "[ann] Summer fair", "Come along on Saturday.", "announce"),
            row("alice", "announce-spam", "events@example.com", "[ann] You won", GTUBE, "Trash"), // scored: the drop level
            new Row("alice", "unwanted", "shop@example.com", "unwanted@example.org", "Sale", "", "Buy now.", "Trash"), // DROP
            new Row("alice", "bulk", "mailer@example.com", "bob@example.org", "Newsletter", "X-Mailer: BulkMailer 3\r\n",
                    "Our news.", "bulk"), // the rules file
            new Row("alice", "tagged", "orders@shop.example", "alice+shop@example.org", "Your order", "", "Shipped.", "shop"),
            row("alice", "allowed", "pal@friends.example", "Joke of the day", GTUBE, "INBOX"),
            row("alice", "allowed-learnt", "carol@example.com", "Prize draw results", GTUBE, "INBOX"), // whitelisted below
            row("alice", "denied", "promo@spammer.example", "Hello", "Nothing to see.", "Junk"),
            row("alice", "unsure", "someone@example.com", "grey-zone offer", "Maybe.", "Spam/maybe"),
            row("alice", "spam", "someone@example.com", "plain-spam offer", "Buy.", "Junk"),
            row("alice", "level-low", "someone@example.com", "level-low offer", "Buy more.", "Spam/low"),
            row("alice", "level-high", "someone@example.com", "level-high offer", "Buy even more.", "Spam/high"),
            row("alice", "level-drop", "someone@example.com", "Prize", GTUBE, "Trash"),
            new Row("alice", "dup-first", "secretary@example.com", "bob@example.org", "Minutes", "Message-ID: <minutes-7@example.com>\r\n",
                    "The minutes, first delivery.", "INBOX"),
            new Row("alice", "dup-second", "secretary@example.com", "bob@example.org", "Minutes", "Message-ID: <minutes-7@example.com>\r\n",
                    "The minutes, delivered again.", "Duplicates"),
            row("bob", "report-1", "cron@example.com", "Disk report", "Disk usage is 71 percent on /srv\r\nall fine", "Trash"),
            row("bob", "report-2", "cron@example.com", "Disk report", "Disk usage is 71 percent\r\n  on /srv all fine", "INBOX"),
            row("bob", "ham", "carol@example.com", "Lunch", "Noon?", "INBOX"));

    private static Row row(String account, String id, String from, String subject, String body, String expected) {
        return new Row(account, id, from, "bob@example.org", subject, "", body, expected);
    }

    private static byte[] message(Row r, int n) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                .format(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(100 - n).withNano(0));
        String headers = "From: " + r.from() + "\r\nTo: " + r.to() + "\r\nSubject: " + r.subject() + "\r\nDate: " + date + "\r\n"
                + (r.extraHeaders().contains("Message-ID:") ? "" : "Message-ID: <" + r.id() + "-" + r.account() + "@test.example>\r\n")
                + r.extraHeaders() + TEST_ID + ": " + r.id() + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
        return (headers + r.body() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Where every message of {@code account} must be after a run, by X-Test-Id. */
    static Map<String, String> expected(String account) {
        Map<String, String> out = new TreeMap<>();
        for (Row r : TABLE) if (r.account().equals(account)) out.put(r.id(), r.expected());
        if (account.equals("alice")) for (int i = 0; i < corpus.size(); i++) out.put("corpus-" + i, "corpus");
        for (Aged a : AGED) if (a.account().equals(account) && a.expected() != null) out.put(a.id(), a.expected());
        return out;
    }

    @BeforeEach
    void fillMailboxes() throws Exception {
        for (String user : List.of("alice", "bob")) {
            List<byte[]> inbox = new ArrayList<>();
            int n = 0;
            for (Row r : TABLE) if (r.account().equals(user)) inbox.add(message(r, n++));
            if (user.equals("alice")) inbox.addAll(corpus);
            deleteFoldersBut(user, Set.of("INBOX", "Junk", "Trash"));
            dovecot.replace(user, Map.of("INBOX", inbox, "Junk", List.of(), "Trash", List.of()));
            try (MailStore store = ImapMailStore.connect(dovecot.settings(user, TlsMode.IMPLICIT))) {
                for (Aged a : AGED) {
                    if (!a.account().equals(user)) continue;
                    if (!store.exists(a.folder())) store.create(a.folder());
                    Row r = new Row(user, a.id(), "Carol <carol@example.com>", "bob@example.org", "Old " + a.id(), "", "From long ago.", a.folder());
                    store.append(a.folder(), message(r, n++), Set.of("\\Seen"), noonDaysAgo(a.daysAgo()).toInstant());
                }
            }
        }
    }

    private static List<String> folders(String user) throws Exception {
        List<String> names = new ArrayList<>();
        try (MailStore store = ImapMailStore.connect(dovecot.settings(user, TlsMode.IMPLICIT))) {
            for (FolderInfo f : store.listFolders()) {
                if (!f.hasAttribute("\\NonExistent") && !f.hasAttribute("\\Noselect")) names.add(f.name());
            }
        }
        return names;
    }

    private void deleteFoldersBut(String user, Set<String> keep) throws Exception {
        List<String> names = new ArrayList<>(folders(user));
        names.removeAll(keep);
        // Children first, so that a parent is empty of folders when it goes.
        names.sort((a, b) -> b.length() - a.length());
        for (String name : names) dovecot.deleteFolder(user, name);
    }

    Path config() throws Exception {
        Path rules = home.resolve("more.rules");
        Files.writeString(rules, """
                # routed by the program that sent it
                X-Mailer: BulkMailer : bulk
                """);
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                defaults:
                  classifier: spamd+builtin
                  spamd: 127.0.0.1:%d
                  partial-run: 0
                  max-size: 10000000
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s }
                  folders: { scan: [INBOX], spam: Junk, trash: Trash }
                  rules:
                    - "X-Corpus:^yes$:corpus"
                    - "From:.*@lists\\\\.example\\\\.org:lists/example"
                    - "Subject:^\\\\[ann\\\\]:announce"
                    - "To:.*unwanted@.*:DROP"
                  rules-file: more.rules
                  tagged-addresses: true
                  no-spam-check: [lists/example, corpus]
                  levels:
                    - { above: 99.9, folder: Spam/low }
                    - { above: 99.999, folder: Spam/high }
                    - { above: 99.9999999, action: drop }
                  unsure: { folder: Spam/maybe }
                  allow: ["*@friends.example"]
                  deny: ["*@spammer.example"]
                accounts:
                  - name: alice
                    imap: { user: alice, password: { env: ALICE_PW } }
                    duplicates: { by: message-id, within-days: 14, keep: first, action: { folder: Duplicates } }
                    retention: [ { folder: Junk, older-than-days: 60, action: trash } ]
                    archive: [ { folder: Done, older-than-days: 30, into: "Archive/{year}/{month}" } ]
                    training: { allow-sender: [Whitelist] }
                  - name: bob
                    imap: { user: bob, password: { env: BOB_PW } }
                    duplicates: { by: body, keep: last, action: drop }
                    retention: [ { folder: Old, older-than-days: 14, action: delete } ]
                """.formatted(spamd.port(), dovecot.imapsPort(), dovecot.certPem()));
        return file;
    }

    IsbgCli cli() {
        return new IsbgCli(home).env("ALICE_PW", Dovecot.PASSWORDS.get("alice")).env("BOB_PW", Dovecot.PASSWORDS.get("bob"));
    }

    /** Folder, then every message there as its X-Test-Id, fingerprint and flags; sorted, so two snapshots compare. */
    Map<String, List<String>> snapshot(String user) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (String folder : folders(user)) {
            List<String> here = new ArrayList<>();
            for (FetchedMessage m : Mailbox.messages(dovecot.settings(user, TlsMode.IMPLICIT), folder)) {
                Set<String> flags = new TreeSet<>(m.flags());
                flags.remove("\\Recent"); // a session's view, not the message's state
                here.add(testId(m.raw()) + " " + Mailbox.sha256(m.raw()) + " " + flags);
            }
            here.sort(null);
            out.put(folder, here);
        }
        return out;
    }

    /** Where each message is, by X-Test-Id; a message found twice fails. */
    Map<String, String> placement(String user) throws Exception {
        Map<String, String> where = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : snapshot(user).entrySet()) {
            for (String line : e.getValue()) {
                String id = line.substring(0, line.indexOf(' '));
                String before = where.put(id, e.getKey());
                assertTrue(before == null, user + ": " + id + " is in both " + before + " and " + e.getKey());
            }
        }
        return where;
    }

    private static String testId(byte[] raw) {
        Matcher m = TEST_ID_LINE.matcher(new String(raw, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : "?";
    }

    void assertAsTheTableSays() throws Exception {
        for (String user : List.of("alice", "bob")) assertEquals(expected(user), placement(user), user);
    }

    @Test
    void everyMessageGoesWhereTheTableSaysAndASecondRunChangesNothing() throws Exception {
        Path file = config();

        IsbgCli.Run run = cli().run("run", "--config", file.toString());

        assertEquals(0, run.exit(), run.toString());
        assertAsTheTableSays();
        assertLogSaysWhy(file);
        Map<String, Map<String, List<String>>> before = new LinkedHashMap<>();
        for (String user : List.of("alice", "bob")) before.put(user, snapshot(user));

        IsbgCli.Run again = cli().run("run", "--config", file.toString());

        assertEquals(new IsbgCli.Run(0, "", ""), again);
        for (String user : List.of("alice", "bob")) assertEquals(before.get(user), snapshot(user), user);
    }

    /** begone log: a line per message moved, with its From, Subject, what was done and why. */
    void assertLogSaysWhy(Path file) {
        IsbgCli.Run log = cli().run("log", "--config", file.toString(), "--since", "1h");
        assertEquals(0, log.exit(), log.toString());
        List<String> lines = log.out().lines().toList();
        assertTrue(lines.get(0).matches("time +account +folder +from +subject +done +why"), lines.get(0));
        assertHasLine(lines, "alice", "Weekly digest", "moved to lists/example",
                "rule 2 'From:.*@lists\\.example\\.org:lists/example' (" + file + ":10) matched From; lists/example is not spam-checked");
        assertHasLine(lines, "alice", "Newsletter", "moved to bulk", "rule 5 'X-Mailer:BulkMailer:bulk' (" + home.resolve("more.rules") + ":2) matched X-Mailer");
        assertHasLine(lines, "alice", "level-high offer", "moved to Spam/high", "spam, score ");
        assertHasLine(lines, "alice", "level-high offer", "moved to Spam/high", "level above 99.999: Spam/high");
        assertHasLine(lines, "alice", "Minutes", "moved to Duplicates", "duplicate message-id <minutes-7@example.com> within 14 days (keep first)");
        assertHasLine(lines, "alice", "Hello", "moved to Junk", "sender promo@spammer.example denied by *@spammer.example");
        assertHasLine(lines, "bob", "Disk report", "moved to Trash", ", which is kept instead");
        assertHasLine(lines, "alice", "Old junk-old", "moved to Trash", "older than 60 days (retention of Junk)", "Junk");
        assertHasLine(lines, "alice", "Old done-old", "moved to Archive/", "older than 30 days (archive of Done)", "Done");
        assertHasLine(lines, "bob", "Old old-old", "expunged", "older than 14 days (retention of Old)", "Old");
        assertHasLine(lines, "alice", "Old whitelisted", "moved to INBOX", "sender carol@example.com joins the allow-list", "Whitelist");
        // Mail left where it was is not in the log (alice's GTUBE from a whitelisted sender stayed).
        assertTrue(lines.stream().noneMatch(l -> l.contains("Prize draw results")), log.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("Lunch on Friday")), log.out());
    }

    private static void assertHasLine(List<String> lines, String account, String subject, String done, String why) {
        assertHasLine(lines, account, subject, done, why, "INBOX");
    }

    private static void assertHasLine(List<String> lines, String account, String subject, String done, String why, String folder) {
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  " + account + " +" + folder + " .*")
                        && l.contains(subject) && l.contains(done) && l.contains(why)),
                account + " " + subject + " " + done + " " + why + " in\n" + String.join("\n", lines));
    }

    /** The folder a message of the sample is put in before the run. */
    private static String home(String account, String id) {
        return AGED.stream().filter(a -> a.account().equals(account) && a.id().equals(id)).map(Aged::folder).findFirst().orElse("INBOX");
    }

    /** The folders that hold messages, with their messages as {@link #snapshot} has them: folders left empty do not count. */
    Map<String, List<String>> contents(String user) throws Exception {
        Map<String, List<String>> out = snapshot(user);
        out.values().removeIf(List::isEmpty);
        return out;
    }

    @Test
    void undoPutsEveryMessageBackWithItsFlagsSaysWhatWasDeletedForGoodAndNeverPutsBackTwice() throws Exception {
        Path file = config();
        Map<String, Map<String, List<String>>> before = new LinkedHashMap<>();
        for (String user : List.of("alice", "bob")) before.put(user, contents(user));
        assertEquals(0, cli().run("run", "--config", file.toString()).exit());
        Map<String, List<String>> afterRun = contents("alice");

        IsbgCli.Run dry = cli().run("undo", "--config", file.toString(), "--since", "1h", "--dry-run");

        assertEquals(0, dry.exit(), dry.toString());
        assertEquals(afterRun, contents("alice"));
        long moved = expected("alice").entrySet().stream().filter(e -> !e.getValue().equals(home("alice", e.getKey()))).count();
        assertTrue(dry.out().contains("alice: " + moved + " would be put back, 0 cannot be"), dry.toString());

        IsbgCli.Run undo = cli().run("undo", "--config", file.toString(), "--since", "1h");

        assertEquals(0, undo.exit(), undo.toString());
        assertEquals("", undo.err());
        assertTrue(undo.out().lines().anyMatch(l -> l.matches("bob: cannot put back Old <- Old: Carol <carol@example.com> \"Old old-old\": deleted for good")),
                undo.toString());
        assertTrue(undo.out().contains("bob: 1 put back, 1 cannot be"), undo.toString());
        assertTrue(undo.out().lines().anyMatch(l -> l.startsWith("alice: put back INBOX <- Spam/low: someone@example.com \"level-low offer\"")),
                undo.toString());
        before.get("bob").get("Old").removeIf(l -> l.startsWith("old-old "));
        for (String user : List.of("alice", "bob")) assertEquals(before.get(user), contents(user), user);

        IsbgCli.Run again = cli().run("undo", "--config", file.toString(), "--since", "1h");

        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("alice: 0 put back, 0 cannot be"), again.toString());
        assertTrue(again.out().contains("bob: 0 put back, 1 cannot be"), again.toString());
        for (String user : List.of("alice", "bob")) assertEquals(before.get(user), contents(user), user);
    }

    @Test
    void underBegoneWatchTheSameRulesRouteANewMessageWithinFiveSecondsOfItsAppend() throws Exception {
        Path file = config();
        try (WatchProcess watch = WatchProcess.start(cli().env(), List.of(), List.of("--config", file.toString(), "--account", "alice"))) {
            watch.awaitLine(l -> l.startsWith("alice: ") && l.contains("waiting for new mail in INBOX"), Duration.ofSeconds(60));
            // The first scan files the sample (then the table holds); only then is the new message appended.
            awaitCondition(() -> settled("alice"), Duration.ofSeconds(60));
            Row list = new Row("alice", "list-new", "digest@lists.example.org", "bob@example.org", "Daily digest", "", "News.", "lists/example");

            long start = System.nanoTime();
            try (MailStore store = ImapMailStore.connect(dovecot.settings("alice", TlsMode.IMPLICIT))) {
                store.append("INBOX", message(list, 0), Set.of(), java.time.Instant.now());
            }
            awaitCondition(() -> idsIn("alice", "lists/example").contains("list-new"), Duration.ofSeconds(30));
            Duration routed = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(routed.compareTo(Duration.ofSeconds(5)) <= 0, "routed after " + routed.toMillis() + " ms");
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
    }

    /**
     * Every message where the table says, each once. Read while begone watch is filing, a message it is moving shows in
     * both folders for a moment (Dovecot's MOVE makes the copy visible before the original's expunge): not yet settled.
     */
    private boolean settled(String user) throws Exception {
        Map<String, String> where;
        try {
            where = placement(user);
        } catch (AssertionError movingNow) {
            return false;
        }
        return expected(user).equals(where);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls every 50 ms until {@code c} holds; fails after {@code max}. */
    private static void awaitCondition(Condition c, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + max);
            Thread.sleep(50);
        }
    }

    @Test
    void aRunKilledMidwayAndRunAgainLosesNothingAndDoublesNothing() throws Exception {
        Path file = config();
        // Killed after the server confirmed alice's second move and before the journal recorded it; and with the first
        // plan's intents on disk, before any command was sent.
        for (String haltAt : List.of("move.sent#2", "move.intent#1")) {
            fillMailboxes();
            IsbgCli.Run killed = cli().runInChildJvm(List.of("-D" + Steps.HALT_AT_PROPERTY + "=" + haltAt),
                    List.of("run", "--config", file.toString()));
            assertEquals(137, killed.exit(), haltAt + ": " + killed);

            IsbgCli.Run clean = cli().run("run", "--config", file.toString());

            assertEquals(0, clean.exit(), haltAt + ": " + clean);
            assertAsTheTableSays();
            deleteState();
        }
    }

    private void deleteState() throws Exception {
        Path state = home.resolve("state");
        if (!Files.exists(state)) return;
        try (var files = Files.walk(state)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(p);
        }
    }

    /** Messages of a folder by X-Test-Id; for assertions on single folders. */
    static Set<String> idsIn(String user, String folder) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (MailStore store = ImapMailStore.connect(dovecot.settings(user, TlsMode.IMPLICIT));
                MailStore.OpenFolder f = store.open(folder, true)) {
            UidSet all = f.search(SearchCriteria.all());
            if (!all.isEmpty()) for (FetchedMessage m : f.fetch(all)) ids.add(testId(m.raw()));
        }
        return ids;
    }
}
