package dev.begone.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.config.Address;
import dev.begone.config.Schedule;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.log.EventLog;
import dev.begone.log.LogFormat;
import dev.begone.metrics.Metrics;
import dev.begone.metrics.MetricsServer;
import dev.begone.pipeline.StopSignal;
import dev.begone.testing.Dovecot;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.Variants;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watchers on real Dovecot, with real IDLE connections, real reconnects and the real log and metrics. The filing is
 * a stand-in ({@link MoveAll}: everything in INBOX goes to Filed), as the pipeline is not what is tested here.
 */
@Timeout(120)
class WatchOnDovecotTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    Dovecot dovecot;
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final List<Watch> watches = new ArrayList<>();

    @BeforeEach
    void startDovecot() throws Exception {
        dovecot = Dovecot.start(dir);
        // Logs each user in once, which makes the Maildirs.
        dovecot.deliver("alice", "INBOX", List.of());
        dovecot.deliver("bob", "INBOX", List.of());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Watch w : watches) assertEquals(List.of(), w.stop(BOUND));
        if (dovecot != null) dovecot.close();
    }

    @Test
    void mailAppendedWhileIdlingIsFiledWithinTwoSeconds() throws Exception {
        MoveAll alice = new MoveAll(connect("alice", Dovecot.PASSWORDS.get("alice")));
        start(List.of(account("alice", alice)), recorder());
        awaitEvent(new Watching("alice", "INBOX", false));
        alice.awaitScans(1);

        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "m" + i + "@watch.test";
            long appended = append("alice", id);
            alice.awaitFiled(id);
            millis.add((alice.filedAt.get(id) - appended) / 1_000_000);
        }
        System.out.println("APPEND confirmed -> filed by the watcher, 5 messages one by one: " + millis + " ms");
        assertTrue(millis.stream().allMatch(ms -> ms < 2_000), millis.toString());
    }

    @Test
    void dovecotStoppedAndStartedAgainIsReconnectedAndWhatCameMeanwhileIsFiledOnce() throws Exception {
        MoveAll alice = new MoveAll(connect("alice", Dovecot.PASSWORDS.get("alice")));
        start(List.of(account("alice", alice)), recorder());
        awaitEvent(new Watching("alice", "INBOX", false));
        append("alice", "before@watch.test");
        alice.awaitFiled("before@watch.test");

        dovecot.stop();
        Failure lost = awaitFailure("alice");
        assertEquals(FailureKind.MAIL_SERVER, lost.kind());
        dovecot.deliverToMaildir("alice", TestMail.message("meanwhile@watch.test"));
        long restarted = System.nanoTime();
        dovecot.startAgain();
        awaitEvent(new Watching("alice", "INBOX", true));
        alice.awaitFiled("meanwhile@watch.test");
        System.out.println("Dovecot back -> mail delivered while it was down filed: "
                + (alice.filedAt.get("meanwhile@watch.test") - restarted) / 1_000_000 + " ms");
        append("alice", "after@watch.test");
        alice.awaitFiled("after@watch.test");

        assertEquals(List.of("before@watch.test", "meanwhile@watch.test", "after@watch.test"), alice.filedInOrder());
        try (MailStore s = connect("alice", Dovecot.PASSWORDS.get("alice")).call()) {
            assertEquals(3, s.open("Filed", true).search(SearchCriteria.all()).size(), "each message filed once");
            assertTrue(s.open("INBOX", true).search(SearchCriteria.all()).isEmpty(), "nothing left behind");
        }
    }

    @Test
    void aWrongPasswordAmongGoodAccountsIsLoggedOnceAndCountedInTheMetrics() throws Exception {
        MoveAll alice = new MoveAll(connect("alice", Dovecot.PASSWORDS.get("alice")));
        MoveAll bob = new MoveAll(connect("bob", "not-bobs-password"));
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        EventLog log = new EventLog(new PrintWriter(new OutputStreamWriter(logBytes, StandardCharsets.UTF_8)), LogFormat.TEXT,
                Clock.systemUTC());
        Metrics metrics = new Metrics(List.of("alice", "bob"));
        Watch watch = start(List.of(account("alice", alice), account("bob", bob)),
                WatchListener.all(List.of(recorder(), log.watchListener(), metrics)));
        int port = ServerProcess.freePorts(1)[0];
        try (MetricsServer server = MetricsServer.start(new Address("127.0.0.1", port), metrics, watch::health)) {
            // Both of bob's threads fail to log in: the one waiting on INBOX and the one running the periodic work.
            assertEquals(FailureKind.LOGIN, awaitFailure("bob").kind());
            assertEquals(FailureKind.LOGIN, awaitFailure("bob").kind());
            awaitEvent(new Watching("alice", "INBOX", false));
            append("alice", "fine@watch.test");
            alice.awaitFiled("fine@watch.test");

            List<String> bobLines = logBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("bob: ")).toList();
            assertEquals(1, bobLines.size(), String.join("\n", bobLines));
            assertTrue(bobLines.get(0).startsWith("bob: error: ") && bobLines.get(0).contains("login as bob on 127.0.0.1:"),
                    bobLines.get(0));
            assertFalse(logBytes.toString(StandardCharsets.UTF_8).contains("not-bobs-password"));

            HttpClient http = HttpClient.newHttpClient();
            String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(text.contains("begone_imap_errors_total{account=\"bob\",reason=\"login\"} 2.0\n"), text);
            assertTrue(text.contains("begone_imap_errors_total{account=\"alice\",reason=\"login\"} 0.0\n"), text);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("bob: FAILING, the server refuses the login\n"), health.body());
        }
    }

    @Test
    void stopEndsIdleWithDoneAndLogsOutWithinTheBound() throws Exception {
        MoveAll alice = new MoveAll(connect("alice", Dovecot.PASSWORDS.get("alice")));
        Watch watch = start(List.of(account("alice", alice)), recorder());
        awaitEvent(new Watching("alice", "INBOX", false));
        alice.awaitScans(1);
        long begin = System.nanoTime();
        assertEquals(List.of(), watch.stop(Duration.ofSeconds(10)));
        long tookMillis = (System.nanoTime() - begin) / 1_000_000;
        watches.remove(watch);
        System.out.println("stop -> every thread of the account ended (DONE, LOGOUT): " + tookMillis + " ms");
        assertTrue(tookMillis < 10_000, tookMillis + " ms");
        assertTrue(events.contains(new Stopped("alice")));
    }

    // --- scaffolding ---

    private Watch start(List<WatchedAccount> accounts, WatchListener listener) {
        List<AccountWatcher> watchers = new ArrayList<>();
        long seed = 7;
        for (WatchedAccount a : accounts) watchers.add(new AccountWatcher(a, Ticker.of(Clock.systemUTC()), listener, seed++));
        Watch w = new Watch(watchers);
        watches.add(w);
        w.start();
        return w;
    }

    private WatchedAccount account(String user, MoveAll work) {
        return new WatchedAccount(user, List.of("INBOX"), List.of(), Schedule.DEFAULT.periodic(),
                ImapWaiters.opener(work.connect, Duration.ofSeconds(1), Set.of(), Set.of()), work);
    }

    private Callable<MailStore> connect(String user, String password) {
        return () -> {
            ImapSettings s = dovecot.settings(user, TlsMode.STARTTLS);
            return ImapMailStore.connect(Variants.timeout(Variants.password(s, password), Duration.ofSeconds(10)));
        };
    }

    private long append(String user, String messageId) throws Exception {
        try (MailStore s = connect(user, Dovecot.PASSWORDS.get(user)).call()) {
            s.append("INBOX", TestMail.message(messageId), Set.of(), null);
        }
        return System.nanoTime();
    }

    private record Watching(String account, String folder, boolean reconnected) {}

    private record Stopped(String account) {}

    private WatchListener recorder() {
        return new WatchListener() {
            @Override
            public void watching(String account, String folder, boolean reconnected, boolean idle) {
                events.add(new Watching(account, folder, reconnected));
            }

            @Override
            public void failed(Failure failure) {
                events.add(failure);
            }

            @Override
            public void stopped(String account) {
                events.add(new Stopped(account));
            }
        };
    }

    private void awaitEvent(Object expected) throws InterruptedException {
        long end = System.nanoTime() + BOUND.toNanos();
        List<Object> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            Object e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (expected.equals(e)) {
                events.addAll(seen);
                return;
            }
            if (e != null) seen.add(e);
        }
        throw new AssertionError("no " + expected + "; saw " + seen);
    }

    private Failure awaitFailure(String account) throws InterruptedException {
        long end = System.nanoTime() + BOUND.toNanos();
        List<Object> seen = new ArrayList<>();
        try {
            while (System.nanoTime() < end) {
                Object e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e instanceof Failure f && f.account().equals(account)) return f;
                if (e != null) seen.add(e);
            }
        } finally {
            events.addAll(seen);
        }
        throw new AssertionError("no failure of " + account + "; saw " + seen);
    }

    /** Small messages with CRLF line endings. */
    private static final class TestMail {
        static byte[] message(String messageId) {
            return ("From: sender@example.com\r\nTo: alice@example.com\r\nSubject: watched\r\nMessage-ID: <" + messageId
                    + ">\r\nDate: Thu, 03 Dec 2026 08:00:00 +0000\r\n\r\nHello.\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Files by moving everything in INBOX to Filed, one message at a time, and notes when each went; a stand-in for
     * the pipeline. Stops between messages when asked.
     */
    private static final class MoveAll implements AccountWork {
        final Callable<MailStore> connect;
        final Map<String, Long> filedAt = new ConcurrentHashMap<>();
        final BlockingQueue<String> filed = new LinkedBlockingQueue<>();
        final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        final BlockingQueue<Boolean> scans = new LinkedBlockingQueue<>();

        MoveAll(Callable<MailStore> connect) {
            this.connect = connect;
        }

        @Override
        public void scan(Set<String> folders, StopSignal stop) throws Exception {
            try (MailStore store = connect.call(); MailStore.OpenFolder inbox = store.open("INBOX", false)) {
                UidSet all = inbox.search(SearchCriteria.all());
                Map<Long, String> ids = inbox.fetchHeader(all, "Message-ID");
                for (long uid : all.toArray()) {
                    if (stop.stopRequested()) return;
                    inbox.move(UidSet.of(uid), "Filed");
                    String id = ids.get(uid).replaceAll("[<>]", "");
                    filedAt.put(id, System.nanoTime());
                    order.add(id);
                    filed.add(id);
                }
            }
            scans.add(true);
        }

        /** Never called: these accounts watch no training folder. */
        @Override
        public void train(Set<String> folders, StopSignal stop) {
            throw new AssertionError("training of " + folders + " with no training folder watched");
        }

        @Override
        public void periodic(StopSignal stop) throws Exception {
            try (MailStore store = connect.call()) {
                if (!store.exists("Filed")) store.create("Filed");
            }
        }

        void awaitScans(int n) throws InterruptedException {
            for (int i = 0; i < n; i++) assertNotNull(scans.poll(BOUND.toSeconds(), TimeUnit.SECONDS), "scan " + (i + 1));
        }

        void awaitFiled(String id) throws InterruptedException {
            long end = System.nanoTime() + BOUND.toNanos();
            while (!filedAt.containsKey(id)) {
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError(id + " not filed; filed: " + order);
                filed.poll(left, TimeUnit.NANOSECONDS);
            }
        }

        List<String> filedInOrder() {
            return List.copyOf(order);
        }
    }
}
