package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerPerClass;
import dev.begone.testing.Mailbox;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.TestMail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code begone watch} as a service runs it: its own JVM, stopped with SIGTERM, on a real Dovecot, the built-in
 * classifier trained from each account's folders at start (20 spam, 20 ham) and then filing what arrives.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WatchCommandOnDovecotTest {
    private static final int TRAINING = 20;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    static final ServerPerClass<Dovecot> server = new ServerPerClass<>(Dovecot::start);

    @TempDir
    Path home;

    private static Dovecot dovecot() {
        return server.get();
    }

    @BeforeEach
    void fillMailboxes() throws Exception {
        for (String user : List.of("alice", "bob")) {
            dovecot().replace(user, Map.of("TrainSpam", TestMail.pitches(0, TRAINING), "TrainHam", TestMail.hams(0, TRAINING),
                    "INBOX", TestMail.hams(100, 3), "Junk", List.of()));
        }
    }

    @Test
    void spamAppendedWhileWatchingIsFiledWithinFiveSecondsAndJsonLinesNameTheirAccount() throws Exception {
        try (WatchProcess watch = WatchProcess.start(env(), List.of(), List.of("--config", config(ALICE, ""), "--log-format", "json"))) {
            awaitReady(watch, "alice");
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] spam = TestMail.pitch(200 + i);
                long appended = append("alice", spam);
                watch.awaitLines(l -> l.contains("\"event\":\"filed\""), i + 1, BOUND);
                millis.add((System.nanoTime() - appended) / 1_000_000);
            }
            System.out.println("APPEND confirmed -> begone watch logged the spam filed: " + millis + " ms");
            assertTrue(millis.stream().allMatch(ms -> ms < 5_000), millis.toString());
            assertEquals(TestMail.messageIds(TestMail.pitches(200, 3)), ids("alice", "Junk"));

            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
            ObjectMapper json = new ObjectMapper();
            assertTrue(watch.lines().get(watch.lines().size() - 1).contains("\"event\":\"stopped\""), "the last line says so");
            for (String line : watch.lines()) {
                assertEquals("alice", json.readTree(line).get("account").asText(), line);
            }
        }
    }

    /**
     * A thousand watched accounts cannot afford a login (a TLS handshake and a server session) per message: the cycle
     * that files new mail runs on the connection the cycle before kept, and the wait goes on on its own connection.
     */
    @Test
    void newMailIsFiledOnTheLoginOfTheCycleBeforeWithoutLoggingInAgain() throws Exception {
        try (WatchProcess watch = WatchProcess.start(env(), List.of(), List.of("--config", config(ALICE, "")))) {
            awaitReady(watch, "alice");
            // Delivered into the maildir, so that the test itself does not log in.
            dovecot().deliverToMaildir("alice", TestMail.pitch(400));
            watch.awaitLine(l -> l.equals("alice: 1 message of INBOX moved to Junk"), BOUND);
            long before = dovecot().logins("alice");
            for (int i = 1; i <= 3; i++) {
                dovecot().deliverToMaildir("alice", TestMail.pitch(400 + i));
                int filed = i + 1;
                watch.awaitLines(l -> l.equals("alice: 1 message of INBOX moved to Junk"), filed, BOUND);
            }
            assertEquals(before, dovecot().logins("alice"), "logins while three messages were filed one by one");
            assertEquals(TestMail.messageIds(TestMail.pitches(400, 4)), ids("alice", "Junk"));
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
    }

    /**
     * The "user moves" under watch: acting as a mail client, the test moves a spam begone filed back to INBOX,
     * an inbox message into the spam folder and another into a training folder, one at a time; each shows in the
     * built-in model's counts within the bound (the time is printed), and begone's own filing teaches nothing.
     */
    @Test
    void theUsersMovesAreLearntAsTheyHappenUnderWatchAndBegonesOwnFilingTeachesNothingNorLoops() throws Exception {
        int port = ServerProcess.freePorts(1)[0];
        String accounts = ALICE + "    training: { from-moves: true }\n";
        try (WatchProcess watch = WatchProcess.start(env(), List.of(),
                List.of("--config", config(accounts, "metrics: { listen: 127.0.0.1:" + port + " }\n")))) {
            awaitReady(watch, "alice");
            for (String folder : List.of("Junk", "TrainSpam", "TrainHam")) {
                watch.awaitLine(l -> l.startsWith("alice: waiting for new mail in " + folder + " "), BOUND);
            }
            byte[] spam = TestMail.pitch(500);
            append("alice", spam);
            watch.awaitLine(l -> l.equals("alice: 1 message of INBOX moved to Junk"), BOUND);
            List<Long> filed = awaitLearnt(List.of((long) TRAINING, (long) TRAINING));

            List<Long> millis = new ArrayList<>();
            millis.add(learnt(() -> Mailbox.move(alice(), "Junk", TestMail.messageId(spam), "INBOX"), plus(filed, 0, 1)));
            millis.add(learnt(() -> Mailbox.move(alice(), "INBOX", TestMail.messageId(TestMail.ham(100)), "Junk"), plus(filed, 1, 1)));
            millis.add(learnt(() -> Mailbox.move(alice(), "INBOX", TestMail.messageId(TestMail.ham(101)), "TrainSpam"),
                    plus(filed, 2, 1)));
            System.out.println("user's move confirmed -> builtin's counts show it learnt under begone watch "
                    + "(out of Junk, into Junk, into TrainSpam): " + millis + " ms");

            // Each lesson once: the filed spam the user took back stays in INBOX, not filed again.
            assertEquals(plus(filed, 2, 1), builtinCounts());
            assertEquals(TestMail.messageIds(List.of(spam, TestMail.ham(102))), ids("alice", "INBOX"));
            assertEquals(TestMail.messageIds(List.of(TestMail.ham(100))), ids("alice", "Junk"));
            // Four changes woke training (begone's filing and the user's three moves) and three connections came up:
            // a loop of begone waking itself would count far more.
            double trainCycles = counter(port, "begone_cycles_total{account=\"alice\",cycle=\"train\"}");
            System.out.println("training cycles under watch: " + trainCycles);
            assertTrue(trainCycles <= 12, "train cycles: " + trainCycles);
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
    }

    private interface ClientAction {
        void run() throws Exception;
    }

    /** Does {@code action} and waits until the model's counts are {@code expected}: the time it took, in ms. */
    private long learnt(ClientAction action, List<Long> expected) throws Exception {
        action.run();
        long done = System.nanoTime();
        awaitLearnt(expected);
        return (System.nanoTime() - done) / 1_000_000;
    }

    /** Waits, within the bound, until the built-in model's saved counts are {@code expected}; fails if they pass it. */
    private List<Long> awaitLearnt(List<Long> expected) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        List<Long> now = builtinCounts();
        while (!now.equals(expected)) {
            if (now.get(0) > expected.get(0) || now.get(1) > expected.get(1) || System.nanoTime() > deadline) {
                throw new AssertionError("builtin's counts {spam, ham}: " + now + ", expected " + expected);
            }
            Thread.sleep(50);
            now = builtinCounts();
        }
        return now;
    }

    private static List<Long> plus(List<Long> counts, long spam, long ham) {
        return List.of(counts.get(0) + spam, counts.get(1) + ham);
    }

    /** What the built-in model of alice has learnt as saved, as its own counts say: {spam, ham}. */
    private List<Long> builtinCounts() throws Exception {
        return BuiltinCounts.of(env(), "alice");
    }

    private static double counter(int port, String series) throws Exception {
        String metrics = get(HttpClient.newHttpClient(), port, "/metrics").body();
        Matcher m = Pattern.compile(Pattern.quote(series) + " (\\S+)\n").matcher(metrics);
        assertTrue(m.find(), series + " in " + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static ImapSettings alice() {
        return dovecot().settings("alice", TlsMode.IMPLICIT);
    }

    @Test
    void dovecotStoppedAndStartedAgainIsReconnectedAndWhatCameMeanwhileIsFiledOnceNothingLost() throws Exception {
        try (WatchProcess watch = WatchProcess.start(env(), List.of(), List.of("--config", config(ALICE, "")))) {
            awaitReady(watch, "alice");

            dovecot().stop();
            watch.awaitLine(l -> l.startsWith("alice: warning: waiting for mail in INBOX failed"), BOUND);
            dovecot().deliverToMaildir("alice", TestMail.pitch(300));
            dovecot().deliverToMaildir("alice", TestMail.ham(300));
            dovecot().startAgain();
            watch.awaitLine(l -> l.startsWith("alice: reconnected: waiting for new mail in INBOX"), BOUND);
            watch.awaitLine(l -> l.equals("alice: 1 message of INBOX moved to Junk"), BOUND);
            append("alice", TestMail.pitch(301));
            watch.awaitLines(l -> l.equals("alice: 1 message of INBOX moved to Junk"), 2, BOUND);

            assertEquals(TestMail.messageIds(List.of(TestMail.pitch(300), TestMail.pitch(301))), ids("alice", "Junk"));
            assertEquals(2, Mailbox.messageIds(dovecot().settings("alice", TlsMode.IMPLICIT), "Junk").size(), "each filed once");
            List<byte[]> ham = new ArrayList<>(TestMail.hams(100, 3));
            ham.add(TestMail.ham(300));
            assertEquals(TestMail.messageIds(ham), ids("alice", "INBOX"), "no ham lost or moved");
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aWrongPasswordAmongGoodAccountsIsLoggedOnceAndCountedInTheMetrics() throws Exception {
        int port = ServerProcess.freePorts(1)[0];
        Map<String, String> env = env();
        env.put("BOB_PW", "not-bobs-password");
        String accounts = ALICE + """
                  - name: bob
                    imap: { user: bob, password: { env: BOB_PW } }
                """;
        try (WatchProcess watch = WatchProcess.start(env, List.of(),
                List.of("--config", config(accounts, "metrics: { listen: 127.0.0.1:" + port + " }\n")))) {
            awaitReady(watch, "alice");
            append("alice", TestMail.pitch(400));
            watch.awaitLine(l -> l.equals("alice: 1 message of INBOX moved to Junk"), BOUND);

            HttpClient http = HttpClient.newHttpClient();
            // Dovecot answers a refused login only after its auth_failure_delay (2 s), so bob's second refusal may
            // come after alice's mail is filed: the count is read until both are in, within the bound.
            Pattern bobErrors = Pattern.compile("begone_imap_errors_total\\{account=\"bob\",reason=\"login\"} (\\S+)\n");
            long deadline = System.nanoTime() + BOUND.toNanos();
            String metrics = get(http, port, "/metrics").body();
            while (loginErrors(bobErrors, metrics) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                metrics = get(http, port, "/metrics").body();
            }
            assertTrue(loginErrors(bobErrors, metrics) >= 2, "the waiting connection and the periodic work: " + metrics);
            assertTrue(metrics.contains("begone_imap_errors_total{account=\"alice\",reason=\"login\"} 0.0\n"), metrics);
            assertTrue(metrics.contains("begone_messages_filed_total{account=\"alice\",action=\"move\"} 1.0\n"), metrics);
            assertTrue(metrics.contains("begone_classifier_latency_seconds_count{account=\"alice\",classifier=\"builtin\"}"), metrics);
            HttpResponse<String> health = get(http, port, "/healthz");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("bob: FAILING, the server refuses the login\n"), health.body());
            assertTrue(health.body().contains("alice: ok"), health.body());

            // The counter can be read before the process's stderr line about it has reached the test.
            watch.awaitLine(l -> l.startsWith("bob: "), BOUND);
            List<String> bob = watch.lines().stream().filter(l -> l.startsWith("bob: ")).toList();
            assertEquals(1, bob.size(), String.join("\n", bob));
            assertTrue(bob.get(0).startsWith("bob: error: "), bob.get(0));
            assertFalse(String.join("\n", watch.lines()).contains("not-bobs-password"));
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
    }

    private static double loginErrors(Pattern counter, String metrics) {
        Matcher m = counter.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void sigtermMidBatchExitsZeroWithinTenSecondsAndTheNextStartRepeatsNothing() throws Exception {
        // 40 batches of 50 with spam in every one: SIGTERM lands while batches are still to come.
        List<byte[]> inbox = new ArrayList<>();
        List<byte[]> spam = TestMail.pitches(1000, 80);
        for (int i = 0; i < 1920; i++) {
            inbox.add(TestMail.ham(1000 + i));
            if (i % 24 == 0) inbox.add(spam.get(i / 24));
        }
        dovecot().replace("alice", Map.of("INBOX", inbox));
        Path steps = home.resolve("steps.log");
        String config = config(ALICE, "");
        try (WatchProcess watch = WatchProcess.start(env(), List.of("-D" + Steps.STEP_LOG_PROPERTY + "=" + steps), List.of("--config", config))) {
            watch.awaitLine(l -> l.endsWith(" of INBOX moved to Junk"), BOUND);
            watch.terminate();
            long stopped = System.nanoTime();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
            System.out.println("SIGTERM mid-scan -> exit 0 after " + (System.nanoTime() - stopped) / 1_000_000 + " ms");
        }
        int filedFirst = ids("alice", "Junk").size();
        assertTrue(filedFirst > 0 && filedFirst < spam.size(), "stopped mid-scan: " + filedFirst + " of " + spam.size() + " filed");
        List<String> journal = Files.readAllLines(steps);
        assertEquals(journal.stream().filter(s -> s.endsWith(".intent")).count(), journal.stream().filter(s -> s.endsWith(".done")).count(),
                "every journaled action completed: " + journal);

        try (WatchProcess watch = WatchProcess.start(env(), List.of(), List.of("--config", config))) {
            watch.awaitLog("the rest of the spam filed", log -> moved(log) == spam.size() - filedFirst, BOUND);
            watch.terminate();
            assertEquals(0, watch.awaitExit(Duration.ofSeconds(10)));
        }
        assertEquals(TestMail.messageIds(spam), ids("alice", "Junk"));
        assertEquals(spam.size(), Mailbox.messageIds(dovecot().settings("alice", TlsMode.IMPLICIT), "Junk").size(), "none filed twice");
        assertEquals(1920, Mailbox.messageIds(dovecot().settings("alice", TlsMode.IMPLICIT), "INBOX").size(), "no ham lost");
    }

    // --- scaffolding ---

    private static final Pattern MOVED = Pattern.compile("alice: (\\d+) messages? of INBOX moved to Junk");

    static final String ALICE = """
              - name: alice
                imap: { user: alice, password: { env: ALICE_PW } }
            """;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_STATE_HOME", home.resolve("state").toString());
        env.put("ALICE_PW", Dovecot.PASSWORDS.get("alice"));
        return env;
    }

    private String config(String accounts, String extra) throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                defaults:
                  classifier: builtin
                  partial-run: 0
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s }
                  folders: { scan: [INBOX], spam: Junk }
                  training: { learn-spam: [TrainSpam], learn-ham: [TrainHam] }
                %saccounts:
                %s""".formatted(dovecot().imapsPort(), dovecot().certPem(), extra, accounts));
        return file.toString();
    }

    /** Trained (every training message learnt) and waiting on INBOX. */
    private static void awaitReady(WatchProcess watch, String account) throws InterruptedException {
        watch.awaitLine(l -> l.contains(account) && l.contains("waiting for new mail in INBOX"), BOUND);
        watch.awaitLines(l -> l.contains(account) && (l.contains(" learned as ") || l.contains(" already known as ")
                || l.contains("\"event\":\"learned\"")), 2 * TRAINING, BOUND);
    }

    /** Messages the log says were moved to Junk. */
    private static int moved(List<String> log) {
        int n = 0;
        for (String line : log) {
            Matcher m = MOVED.matcher(line);
            if (m.matches()) n += Integer.parseInt(m.group(1));
        }
        return n;
    }

    private static long append(String user, byte[] message) throws Exception {
        try (MailStore s = ImapMailStore.connect(dovecot().settings(user, TlsMode.IMPLICIT))) {
            s.append("INBOX", message, Set.of(), null);
        }
        return System.nanoTime();
    }

    private static Set<String> ids(String user, String folder) throws Exception {
        return new TreeSet<>(Mailbox.messageIds(dovecot().settings(user, TlsMode.IMPLICIT), folder));
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
