package dev.begone.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.config.Schedule;
import dev.begone.imap.LoginFailedException;
import dev.begone.imap.MailStoreException;
import dev.begone.pipeline.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watcher's schedule with scripted connections and work, on a ticker the test moves: hours of backoff and
 * periodic work run in milliseconds, and no server is involved.
 */
@Timeout(30)
class AccountWatcherTest {
    private static final long SEED = 42L;
    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
    private static final Duration PERIOD = Schedule.DEFAULT.periodic();

    private final FakeTicker ticker = new FakeTicker(T0);
    private final Script script = new Script();
    /** Scripts of further accounts, released like {@link #script} after each test. */
    private final List<Script> otherScripts = new ArrayList<>();
    private final Recorder recorder = new Recorder();
    private final List<AccountWatcher> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws InterruptedException {
        script.releaseAll();
        otherScripts.forEach(Script::releaseAll);
        for (AccountWatcher w : started) {
            w.stop();
            assertTrue(w.awaitStopped(Duration.ofSeconds(5)), w.name() + " stops");
        }
    }

    @Test
    void periodicWorkRunsAtStartAndThenEveryPeriod() throws Exception {
        start("alice", List.of("INBOX"));
        assertEquals(T0, script.nextRun(Cycle.PERIODIC).at());

        ticker.awaitParkedUntil(T0.plus(PERIOD));
        ticker.advance(PERIOD);
        assertEquals(T0.plus(PERIOD), script.nextRun(Cycle.PERIODIC).at());

        ticker.awaitParkedUntil(T0.plus(PERIOD.multipliedBy(2)));
        ticker.advance(PERIOD);
        assertEquals(T0.plus(PERIOD.multipliedBy(2)), script.nextRun(Cycle.PERIODIC).at());
    }

    @Test
    void eachAccountRunsItsPeriodicWorkEveryPeriodOfItsOwn() throws Exception {
        // Two accounts of one configuration, with periodic-minutes: 5 and periodic-minutes: 12.
        Script bobs = new Script();
        otherScripts.add(bobs);
        start(new WatchedAccount("alice", List.of("INBOX"), List.of(), Duration.ofMinutes(5), script::open, script.work()));
        start(new WatchedAccount("bob", List.of("INBOX"), List.of(), Duration.ofMinutes(12), bobs::open, bobs.work()));
        assertEquals(T0, script.nextRun(Cycle.PERIODIC).at());
        assertEquals(T0, bobs.nextRun(Cycle.PERIODIC).at());
        ticker.awaitParkedUntil(T0.plus(Duration.ofMinutes(12)));

        // Each step waits until the account it is about has set its next run, then moves the clock on to that.
        ticker.awaitParkedUntil(T0.plus(Duration.ofMinutes(5)));
        ticker.advance(Duration.ofMinutes(5));
        assertEquals(T0.plus(Duration.ofMinutes(5)), script.nextRun(Cycle.PERIODIC).at());
        ticker.awaitParkedUntil(T0.plus(Duration.ofMinutes(10)));
        ticker.advance(Duration.ofMinutes(5));
        assertEquals(T0.plus(Duration.ofMinutes(10)), script.nextRun(Cycle.PERIODIC).at());
        ticker.awaitParkedUntil(T0.plus(Duration.ofMinutes(15)));
        ticker.advance(Duration.ofMinutes(2));
        assertEquals(T0.plus(Duration.ofMinutes(12)), bobs.nextRun(Cycle.PERIODIC).at(), "bob's second run, none at 5 or 10");
        ticker.awaitParkedUntil(T0.plus(Duration.ofMinutes(24)));
        ticker.advance(Duration.ofMinutes(3));
        assertEquals(T0.plus(Duration.ofMinutes(15)), script.nextRun(Cycle.PERIODIC).at(), "alice's fourth run, none at 12");
    }

    @Test
    void eachFolderIsScannedOnConnectAndThenWhenItReportsNewMail() throws Exception {
        start("alice", List.of("INBOX", "Lists"));
        Set<String> scanned = new HashSet<>();
        while (scanned.size() < 2) scanned.addAll(script.nextRun(Cycle.SCAN).folders());
        assertEquals(Set.of("INBOX", "Lists"), scanned);

        script.waiter("Lists").newMail();
        assertEquals(Set.of("Lists"), script.nextRun(Cycle.SCAN).folders());
        assertEquals(List.of("Lists"), recorder.newMail);
    }

    @Test
    void lostConnectionsAreRetriedAfterDoublingDelaysThatStartOverAfterAGoodWait() throws Exception {
        for (int i = 0; i < 4; i++) script.failOpen("INBOX", new MailStoreException("connection refused"));
        start("alice", List.of("INBOX"));

        assertEquals(T0, script.nextOpen("INBOX"));
        long nominal = 1000;
        Instant failedAt = T0;
        for (int i = 0; i < 4; i++) {
            Failure f = recorder.nextFailure();
            assertEquals(FailureKind.MAIL_SERVER, f.kind());
            assertEquals("INBOX", f.folder());
            assertTrue(f.report());
            long ms = f.retryIn().toMillis();
            assertTrue(ms >= nominal / 2 && ms <= nominal, "retry " + (i + 1) + " after " + ms + " ms");
            ticker.awaitParkedUntil(failedAt.plus(f.retryIn()));
            ticker.advance(f.retryIn());
            failedAt = failedAt.plus(f.retryIn());
            assertEquals(failedAt, script.nextOpen("INBOX"), "tries again exactly when the backoff ends");
            nominal *= 2;
        }
        assertTrue(recorder.nextWatching().reconnected());

        Waiter inbox = script.waiter("INBOX");
        inbox.idleUntilTimeout();
        inbox.fail(new MailStoreException("connection reset"));
        Failure afterGoodWait = recorder.nextFailure();
        assertTrue(afterGoodWait.retryIn().compareTo(Duration.ofSeconds(1)) <= 0, afterGoodWait.retryIn().toString());
    }

    @Test
    void aRefusedLoginIsReportedOnceBacksOffLongerAndIsReportedAgainOnlyAfterALoginSucceeded() throws Exception {
        // A wrong password fails the waiting connection and the periodic work alike.
        script.periodicFailure = new LoginFailedException("login as alice failed", null);
        for (int i = 0; i < 3; i++) script.failOpen("INBOX", new LoginFailedException("login as alice failed", null));
        start("alice", List.of("INBOX"));

        List<Failure> all = new ArrayList<>();
        Instant failedAt = T0;
        for (int i = 0; i < 3; i++) {
            Failure f = recorder.nextFailure("INBOX", all);
            all.add(f);
            assertTrue(f.retryIn().compareTo(Backoff.LOGIN_FIRST.dividedBy(2)) >= 0, f.retryIn().toString());
            assertFalse(watcher().health().ok());
            assertEquals("the server refuses the login", watcher().health().detail());
            ticker.awaitParkedUntil(failedAt.plus(f.retryIn()));
            // The password is fixed before the clock reaches the last retry: a periodic cycle after the login that
            // succeeds there must not meet the old refusal (it would rightly be reported again).
            if (i == 2) script.periodicFailure = null;
            ticker.advance(f.retryIn());
            failedAt = failedAt.plus(f.retryIn());
        }
        recorder.nextWatching();
        recorder.failures.drainTo(all);
        assertTrue(all.stream().allMatch(f -> f.kind() == FailureKind.LOGIN), all.toString());
        assertEquals(1, all.stream().filter(Failure::report).count(), "reported once: " + all);
        assertTrue(watcher().health().ok(), "a login succeeded");

        script.failOpen("INBOX", new LoginFailedException("login as alice failed", null));
        script.waiter("INBOX").fail(new MailStoreException("connection reset"));
        Failure reset = recorder.nextFailure("INBOX", all);
        assertEquals(FailureKind.MAIL_SERVER, reset.kind());
        ticker.awaitParkedUntil(failedAt.plus(reset.retryIn()));
        ticker.advance(reset.retryIn());
        Failure again = recorder.nextFailure("INBOX", all);
        assertEquals(FailureKind.LOGIN, again.kind());
        assertTrue(again.report(), "reported again: a login succeeded in between");
    }

    @Test
    void trainingFoldersAreLearntFromOnConnectAndWhenTheyChangeAndAFailedTrainingHoldsUpNoScan() throws Exception {
        start("alice", List.of("INBOX"), List.of("Junk", "report_spam"));
        Set<String> trained = new HashSet<>();
        boolean scanned = false;
        for (int i = 0; i < 100 && (trained.size() < 2 || !scanned); i++) {
            Run r = script.runs.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "no cycle");
            if (r.cycle() == Cycle.TRAIN) trained.addAll(r.folders());
            scanned |= r.cycle() == Cycle.SCAN;
        }
        assertEquals(Set.of("Junk", "report_spam"), trained);
        assertTrue(scanned);

        script.trainFailures.add(new IllegalStateException("classifier unreachable"));
        script.waiter("Junk").newMail();
        Failure f = recorder.nextFailure();
        assertEquals(Cycle.TRAIN, f.cycle());
        assertEquals(Set.of("Junk"), script.nextRun(Cycle.TRAIN).folders());

        script.waiter("INBOX").newMail();
        assertEquals(T0, script.nextRun(Cycle.SCAN).at(), "new mail is filed while training waits out its backoff");
        ticker.awaitParkedUntil(T0.plus(f.retryIn()));
        ticker.advance(f.retryIn());
        Run retried = script.nextRun(Cycle.TRAIN);
        assertEquals(Set.of("Junk"), retried.folders());
        assertEquals(T0.plus(f.retryIn()), retried.at());
    }

    @Test
    void aFailedCycleIsRetriedAfterItsBackoffWithTheSameFolders() throws Exception {
        script.failNextScan(new IllegalStateException("classifier unreachable"));
        start("alice", List.of("INBOX"));
        Failure f = recorder.nextFailure();
        assertEquals(FailureKind.OTHER, f.kind());
        assertEquals(null, f.folder(), "a cycle failure names no folder");
        Run failed = script.nextRun(Cycle.SCAN);

        ticker.awaitParkedUntil(failed.at().plus(f.retryIn()));
        ticker.advance(f.retryIn());
        Run retried = script.nextRun(Cycle.SCAN);
        assertEquals(Set.of("INBOX"), retried.folders());
        assertEquals(failed.at().plus(f.retryIn()), retried.at());
    }

    @Test
    void aConnectionComingBackCutsShortTheBackoffOfAScanThatFailedOnTheMailServer() throws Exception {
        start("alice", List.of("INBOX"));
        Waiter inbox = script.waiter("INBOX");
        assertFalse(recorder.nextWatching().reconnected());
        script.nextRun(Cycle.SCAN);

        // New mail, and the server fails four scans in a row: the next try is 4 to 8 s away.
        for (int i = 0; i < 4; i++) script.failNextScan(new MailStoreException("connection reset"));
        inbox.newMail();
        Instant now = T0;
        Failure scanFailure = null;
        for (int i = 0; i < 4; i++) {
            if (scanFailure != null) {
                ticker.awaitParkedUntil(now.plus(scanFailure.retryIn()));
                ticker.advance(scanFailure.retryIn());
                now = now.plus(scanFailure.retryIn());
            }
            scanFailure = recorder.nextFailure();
            assertEquals(Cycle.SCAN, scanFailure.cycle());
        }
        assertTrue(scanFailure.retryIn().compareTo(Duration.ofSeconds(4)) >= 0, scanFailure.retryIn().toString());
        script.runs.clear();

        // The waiting connection drops too and comes back after its own, short backoff.
        inbox.fail(new MailStoreException("connection reset"));
        Failure folderFailure = recorder.nextFailure();
        assertEquals("INBOX", folderFailure.folder());
        ticker.awaitParkedUntil(now.plus(folderFailure.retryIn()));
        ticker.advance(folderFailure.retryIn());
        now = now.plus(folderFailure.retryIn());
        assertTrue(recorder.nextWatching().reconnected());

        assertEquals(now, script.nextRun(Cycle.SCAN).at(), "the scan runs as soon as the connection is back");
    }

    @Test
    void stopLetsTheScanFinishTheMessageInHandAndEndsEveryThreadWithinTheBound() throws Exception {
        AccountWatcher w = new AccountWatcher(account("alice", List.of("INBOX", "Lists"), script),
                Ticker.of(Clock.systemUTC()), recorder, SEED);
        started.add(w);
        script.holdScanAtFirstMessage();
        w.start();
        assertTrue(script.messageInHand.await(10, TimeUnit.SECONDS));

        long begin = System.nanoTime();
        w.stop();
        script.finishMessageInHand.countDown();
        assertTrue(w.awaitStopped(Duration.ofSeconds(5)));
        long tookMillis = (System.nanoTime() - begin) / 1_000_000;

        assertEquals(1, script.messagesFinished.get(), "the message in hand was finished, no other begun");
        assertEquals(List.of("alice"), recorder.stopped);
        assertEquals(Set.of("INBOX", "Lists"), script.closed, "every waiting connection was closed");
        assertTrue(tookMillis < 2_000, "stopped in " + tookMillis + " ms");
    }

    @Test
    void oneAccountsFailuresAndHangsDoNotHoldUpAnother() throws Exception {
        Script broken = new Script();
        broken.holdScanAtFirstMessage();
        broken.ignoreStop = true;
        AccountWatcher a = new AccountWatcher(account("broken", List.of("INBOX"), broken),
                Ticker.of(Clock.systemUTC()), recorder, SEED);
        AccountWatcher b = new AccountWatcher(account("fine", List.of("INBOX"), script),
                Ticker.of(Clock.systemUTC()), recorder, SEED + 1);
        Watch watch = new Watch(List.of(a, b));
        watch.start();
        try {
            assertTrue(broken.messageInHand.await(10, TimeUnit.SECONDS));
            assertEquals(Set.of("INBOX"), script.nextRun(Cycle.SCAN).folders(), "the other account files its mail");

            long begin = System.nanoTime();
            assertEquals(List.of("broken"), watch.stop(Duration.ofMillis(300)), "only the hung account is late");
            assertTrue(System.nanoTime() - begin < TimeUnit.SECONDS.toNanos(2));
            assertTrue(b.awaitStopped(Duration.ZERO));
        } finally {
            broken.releaseAll();
            assertTrue(a.awaitStopped(Duration.ofSeconds(5)));
        }
    }

    @Test
    void failingPeriodicWorkDoesNotHoldUpScans() throws Exception {
        script.periodicFailure = new IllegalStateException("training folder unreadable");
        start("alice", List.of("INBOX"));
        assertEquals(FailureKind.OTHER, recorder.nextFailure().kind());
        assertEquals(Set.of("INBOX"), script.nextRun(Cycle.SCAN).folders());
        script.waiter("INBOX").newMail();
        assertEquals(T0, script.nextRun(Cycle.SCAN).at(), "new mail is filed without waiting for the periodic retry");
    }

    @Test
    void anAccountWhosePeriodicWorkFailedForThreePeriodsIsUnhealthy() throws Exception {
        script.periodicFailure = new IllegalStateException("training folder unreadable");
        start("alice", List.of("INBOX"));
        recorder.nextFailure();
        assertTrue(watcher().health().ok(), "a failure right after the start is not yet unhealthy");

        ticker.advance(PERIOD.multipliedBy(AccountWatcher.STALE_PERIODS).plusSeconds(1));
        Health h = watcher().health();
        assertFalse(h.ok());
        assertEquals("periodic work has failed since " + T0, h.detail());
    }

    // --- scaffolding ---

    private AccountWatcher watcher() {
        return started.get(0);
    }

    private void start(String name, List<String> folders) {
        start(name, folders, List.of());
    }

    private void start(String name, List<String> folders, List<String> trainingFolders) {
        start(new WatchedAccount(name, folders, trainingFolders, PERIOD, script::open, script.work()));
    }

    private void start(WatchedAccount account) {
        AccountWatcher w = new AccountWatcher(account, ticker, recorder, SEED + started.size());
        started.add(w);
        w.start();
    }

    private static WatchedAccount account(String name, List<String> folders, Script script) {
        return new WatchedAccount(name, folders, List.of(), PERIOD, script::open, script.work());
    }

    private record Run(Cycle cycle, Set<String> folders, Instant at) {}

    /** Scripted connections and work. Opens succeed unless a failure was queued for the folder. */
    private final class Script {
        final Map<String, BlockingQueue<Exception>> openFailures = new ConcurrentHashMap<>();
        final Map<String, BlockingQueue<Instant>> opens = new ConcurrentHashMap<>();
        final Map<String, BlockingQueue<Waiter>> waiters = new ConcurrentHashMap<>();
        final BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
        final Set<String> closed = ConcurrentHashMap.newKeySet();
        final BlockingQueue<Exception> scanFailures = new LinkedBlockingQueue<>();
        final BlockingQueue<Exception> trainFailures = new LinkedBlockingQueue<>();
        volatile Exception periodicFailure;
        volatile boolean holdScan;
        volatile boolean ignoreStop;
        final CountDownLatch messageInHand = new CountDownLatch(1);
        final CountDownLatch finishMessageInHand = new CountDownLatch(1);
        final AtomicInteger messagesFinished = new AtomicInteger();
        final List<Waiter> all = new ArrayList<>();

        AccountWork work() {
            return new AccountWork() {
                @Override
                public void scan(Set<String> folders, StopSignal stop) throws Exception {
                    runs.add(new Run(Cycle.SCAN, folders, ticker.now()));
                    Exception e = scanFailures.poll();
                    if (e != null) throw e;
                    if (!holdScan) return;
                    for (int message = 1; message <= 1000 && (ignoreStop || !stop.stopRequested()); message++) {
                        messageInHand.countDown();
                        finishMessageInHand.await();
                        messagesFinished.incrementAndGet();
                    }
                }

                @Override
                public void train(Set<String> folders, StopSignal stop) throws Exception {
                    runs.add(new Run(Cycle.TRAIN, folders, ticker.now()));
                    Exception e = trainFailures.poll();
                    if (e != null) throw e;
                }

                @Override
                public void periodic(StopSignal stop) throws Exception {
                    runs.add(new Run(Cycle.PERIODIC, Set.of(), ticker.now()));
                    Exception e = periodicFailure;
                    if (e != null) throw e;
                }
            };
        }

        void holdScanAtFirstMessage() {
            holdScan = true;
        }

        void failNextScan(Exception e) {
            scanFailures.add(e);
        }

        void failOpen(String folder, Exception e) {
            openFailures.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).add(e);
        }

        NewMailWaiter open(String folder) throws Exception {
            opens.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).add(ticker.now());
            Exception e = openFailures.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).poll();
            if (e != null) throw e;
            Waiter w = new Waiter(folder, this);
            synchronized (all) {
                all.add(w);
            }
            waiters.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).add(w);
            return w;
        }

        Instant nextOpen(String folder) throws InterruptedException {
            Instant at = opens.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
            assertNotNull(at, "no open of " + folder);
            return at;
        }

        /** The newest waiter of the folder, once it is connected. */
        Waiter waiter(String folder) throws InterruptedException {
            Waiter w = waiters.computeIfAbsent(folder, f -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
            assertNotNull(w, "no connection to " + folder);
            return w;
        }

        Run nextRun(Cycle cycle) throws InterruptedException {
            for (int i = 0; i < 100; i++) {
                Run r = runs.poll(10, TimeUnit.SECONDS);
                assertNotNull(r, "no " + cycle + " cycle");
                if (r.cycle() == cycle) return r;
            }
            throw new AssertionError("no " + cycle + " cycle in 100 runs");
        }

        void releaseAll() {
            finishMessageInHand.countDown();
            ignoreStop = false;
            synchronized (all) {
                all.forEach(w -> w.steps.add(new MailStoreException("test over")));
            }
        }
    }

    /** A connection whose waits end as the test says; with nothing said, a wait lasts until interrupted. */
    private static final class Waiter implements NewMailWaiter {
        final String folder;
        final Script script;
        final BlockingQueue<Object> steps = new LinkedBlockingQueue<>();

        Waiter(String folder, Script script) {
            this.folder = folder;
            this.script = script;
        }

        void newMail() {
            steps.add(Boolean.TRUE);
        }

        void idleUntilTimeout() {
            steps.add(Boolean.FALSE);
        }

        void fail(Exception e) {
            steps.add(e);
        }

        @Override
        public boolean await(Duration max) throws Exception {
            Object step = steps.take();
            if (step instanceof Exception e) throw e;
            return (Boolean) step;
        }

        @Override
        public boolean idle() {
            return true;
        }

        @Override
        public void close() {
            script.closed.add(folder);
        }
    }

    private record Watching(String folder, boolean reconnected) {}

    private static final class Recorder implements WatchListener {
        final BlockingQueue<Failure> failures = new LinkedBlockingQueue<>();
        final BlockingQueue<Watching> watching = new LinkedBlockingQueue<>();
        final List<String> newMail = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void watching(String account, String folder, boolean reconnected, boolean idle) {
            watching.add(new Watching(folder, reconnected));
        }

        @Override
        public void newMail(String account, String folder) {
            newMail.add(folder);
        }

        @Override
        public void failed(Failure failure) {
            failures.add(failure);
        }

        @Override
        public void stopped(String account) {
            stopped.add(account);
        }

        Watching nextWatching() throws InterruptedException {
            Watching w = watching.poll(10, TimeUnit.SECONDS);
            assertNotNull(w, "no connection came up");
            return w;
        }

        /** The next failure of {@code folder}'s connection; failures of cycles on the way go to {@code others}. */
        Failure nextFailure(String folder, List<Failure> others) throws InterruptedException {
            for (int i = 0; i < 100; i++) {
                Failure f = nextFailure();
                if (folder.equals(f.folder())) return f;
                others.add(f);
            }
            throw new AssertionError("no failure of " + folder + " among 100");
        }

        Failure nextFailure() throws InterruptedException {
            Failure f = failures.poll(10, TimeUnit.SECONDS);
            assertNotNull(f, "no failure reported");
            return f;
        }
    }
}
