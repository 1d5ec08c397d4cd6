package dev.begone.daemon;

import dev.begone.pipeline.StopSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one account filed: a virtual thread per watched folder waits for new mail on its own connection, and one
 * more runs the account's work one cycle at a time: the periodic work at start and then every period, a scan
 * whenever a scanned folder reports new mail or (re)connects, since mail may have come while nobody was waiting,
 * and training likewise whenever a training folder reports a change. Every failure is retried after a
 * {@link Backoff}; nothing here stops or slows another account.
 */
public final class AccountWatcher {
    /** Each wait is at most this long; {@code awaitNewMessages} re-issues IDLE within it as RFC 2177 asks. */
    static final Duration WAIT_AT_MOST = Duration.ofMinutes(25);
    /** An account whose cycles of one kind have failed for this many periods is unhealthy. */
    static final int STALE_PERIODS = 3;

    private final WatchedAccount account;
    private final Ticker ticker;
    private final WatchListener listener;
    private final Random seeds;
    private final StopSignal stop = this::stopRequested;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on new mail and on stop. */
    private final Condition changed = lock.newCondition();
    /** The cycles the server wakes, training first: a scan then finds what training put back in place. */
    private final Woken train;
    private final Woken scan;
    private final List<Woken> woken;
    // Guarded by lock:
    private boolean loginReported;
    private boolean loginFailing;
    private Instant started;
    private Instant lastGoodCycle;
    /**
     * A folder's connection came back after failing: a scan waiting out a backoff because of the mail server need not
     * wait longer, and mail that came during the outage is filed at once.
     */
    private boolean serverBack;
    /** The first failure of each kind of cycle still failing. */
    private final Map<Cycle, Instant> failingSince = new EnumMap<>(Cycle.class);

    private volatile boolean stopping;
    private volatile List<Thread> folderThreads = List.of();
    private volatile Thread worker;

    /** @param seed for the backoff jitter of the account's threads */
    public AccountWatcher(WatchedAccount account, Ticker ticker, WatchListener listener, long seed) {
        this.account = account;
        this.ticker = ticker;
        this.listener = listener;
        this.seeds = new Random(seed);
        this.train = new Woken(Cycle.TRAIN, account.work()::train, new Backoff(new Random(seeds.nextLong())));
        this.scan = new Woken(Cycle.SCAN, account.work()::scan, new Backoff(new Random(seeds.nextLong())));
        this.woken = List.of(train, scan);
    }

    public String name() {
        return account.name();
    }

    public synchronized void start() {
        if (worker != null) throw new IllegalStateException("account " + name() + " is already watched");
        lock.lock();
        try {
            started = ticker.now();
        } finally {
            lock.unlock();
        }
        List<Thread> threads = new ArrayList<>();
        for (String folder : account.folders()) threads.add(watchThread(folder, scan));
        for (String folder : account.trainingFolders()) threads.add(watchThread(folder, train));
        folderThreads = List.copyOf(threads);
        Backoff periodicBackoff = new Backoff(new Random(seeds.nextLong()));
        worker = Thread.ofVirtual().name("work " + name()).start(() -> runCycles(periodicBackoff));
    }

    /**
     * Asks the account to stop and returns at once. A cycle in progress finishes the message in hand and returns;
     * waiting connections are interrupted, which ends IDLE with DONE.
     */
    public void stop() {
        stopping = true;
        signal();
        folderThreads.forEach(Thread::interrupt);
    }

    /** Waits, at most {@code max}, for the account's threads to end; true when they all did. */
    public boolean awaitStopped(Duration max) throws InterruptedException {
        Thread worker = this.worker;
        if (worker == null) return true;
        long deadline = System.nanoTime() + max.toNanos();
        List<Thread> all = new ArrayList<>(folderThreads);
        all.add(worker);
        for (Thread t : all) {
            // A zero wait still says whether the thread has ended.
            if (!t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) return false;
        }
        return true;
    }

    /**
     * Unhealthy while the server refuses the login, or when a kind of cycle has failed for {@value #STALE_PERIODS}
     * periods in a row; healthy otherwise, during a short outage too (the backoff is doing its job).
     */
    public Health health() {
        lock.lock();
        try {
            if (started == null) return new Health(name(), false, "not started");
            if (loginFailing) return new Health(name(), false, "the server refuses the login");
            Instant staleBefore = ticker.now().minus(account.periodicEvery().multipliedBy(STALE_PERIODS));
            for (Map.Entry<Cycle, Instant> f : failingSince.entrySet()) {
                if (f.getValue().isBefore(staleBefore)) {
                    return new Health(name(), false, f.getKey().doing() + " has failed since " + f.getValue());
                }
            }
            return new Health(name(), true, lastGoodCycle == null ? "started at " + started
                    : "last good cycle at " + lastGoodCycle);
        } finally {
            lock.unlock();
        }
    }

    private boolean stopRequested() {
        return stopping;
    }

    private Thread watchThread(String folder, Woken wakes) {
        Backoff backoff = new Backoff(new Random(seeds.nextLong()));
        return Thread.ofVirtual().name("watch " + name() + " " + folder).start(() -> watchFolder(folder, backoff, wakes));
    }

    private void watchFolder(String folder, Backoff backoff, Woken wakes) {
        boolean reconnect = false;
        while (!stopping) {
            try (NewMailWaiter waiter = account.waiters().open(folder)) {
                loggedIn(reconnect);
                listener.watching(name(), folder, reconnect, waiter.idle());
                reconnect = false;
                // Mail may have come while nobody was waiting.
                queue(wakes, Set.of(folder));
                while (!stopping) {
                    if (waiter.await(WAIT_AT_MOST)) {
                        listener.newMail(name(), folder);
                        queue(wakes, Set.of(folder));
                    }
                    backoff.succeeded();
                }
            } catch (InterruptedException e) {
                // stop() interrupts; the loop condition ends the thread.
            } catch (Exception e) {
                if (stopping) return;
                reconnect = true;
                Duration delay = backoff.failed(FailureKind.of(e));
                report(folder, null, e, delay);
                try {
                    waitUntil(ticker.now().plus(delay));
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    /**
     * The account's cycles, one at a time. Periodic work, training and scans back off apart: training folders that
     * fail do not hold up the filing of new mail, nor the other way round.
     */
    private void runCycles(Backoff periodicBackoff) {
        try {
            Instant nextPeriodic = ticker.now();
            while (true) {
                Map<Woken, Set<String>> due = new LinkedHashMap<>();
                lock.lock();
                try {
                    while (!stopping) {
                        if (serverBack) woken.forEach(Woken::serverBack);
                        serverBack = false;
                        Instant now = ticker.now();
                        if (!now.isBefore(nextPeriodic) || woken.stream().anyMatch(w -> w.dueAt(now))) break;
                        // New mail waits out a cycle's backoff: a failing server is not asked again sooner.
                        Instant deadline = nextPeriodic;
                        for (Woken w : woken) if (w.waiting() && w.retryAt.isBefore(deadline)) deadline = w.retryAt;
                        ticker.await(lock, changed, deadline);
                    }
                    if (stopping) return;
                    Instant now = ticker.now();
                    for (Woken w : woken) if (w.dueAt(now)) due.put(w, w.take());
                } finally {
                    lock.unlock();
                }
                if (!ticker.now().isBefore(nextPeriodic)) {
                    try {
                        cycle(Cycle.PERIODIC, Set.of(), () -> account.work().periodic(stop));
                        periodicBackoff.succeeded();
                        nextPeriodic = ticker.now().plus(account.periodicEvery());
                    } catch (Exception e) {
                        if (stopping) return;
                        Duration delay = periodicBackoff.failed(FailureKind.of(e));
                        nextPeriodic = ticker.now().plus(min(delay, account.periodicEvery()));
                        report(null, Cycle.PERIODIC, e, delay);
                    }
                }
                for (Map.Entry<Woken, Set<String>> d : due.entrySet()) {
                    if (!d.getKey().run(d.getValue())) return;
                }
            }
        } catch (InterruptedException e) {
            // Nothing here interrupts the worker; whoever did wants the account to end.
        } finally {
            // However the worker ends, the account's waiting connections end with it.
            stop();
            joinFolderThreads();
            listener.stopped(name());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Work on the folders that woke it. */
    private interface FolderWork {
        void run(Set<String> folders, StopSignal stop) throws Exception;
    }

    /**
     * A kind of cycle the server wakes: the folders waiting for it, and its own backoff. The folders are guarded by
     * the lock; the rest is the worker's alone.
     */
    private final class Woken {
        final Cycle cycle;
        final FolderWork work;
        final Backoff backoff;
        final Set<String> folders = new LinkedHashSet<>();
        Instant retryAt = Instant.MIN;
        boolean failedOnServer;

        Woken(Cycle cycle, FolderWork work, Backoff backoff) {
            this.cycle = cycle;
            this.work = work;
            this.backoff = backoff;
        }

        boolean waiting() {
            return !folders.isEmpty();
        }

        boolean dueAt(Instant now) {
            return waiting() && !now.isBefore(retryAt);
        }

        Set<String> take() {
            Set<String> taken = Set.copyOf(folders);
            folders.clear();
            return taken;
        }

        /** A connection came back: a cycle waiting out a backoff because of the mail server need not wait longer. */
        void serverBack() {
            if (failedOnServer) retryAt = Instant.MIN;
        }

        /** Runs the cycle on {@code taken}; false when it failed because the account is stopping. */
        boolean run(Set<String> taken) {
            try {
                cycle(cycle, taken, () -> work.run(taken, stop));
                backoff.succeeded();
                failedOnServer = false;
            } catch (Exception e) {
                if (stopping) return false;
                queue(this, taken);
                FailureKind kind = FailureKind.of(e);
                failedOnServer = kind != FailureKind.OTHER;
                Duration delay = backoff.failed(kind);
                retryAt = ticker.now().plus(delay);
                report(null, cycle, e, delay);
            }
            return true;
        }
    }

    private void cycle(Cycle cycle, Set<String> folders, Work work) throws Exception {
        listener.cycleStarted(name(), cycle, folders);
        Instant start = ticker.now();
        try {
            work.run();
        } catch (Exception e) {
            lock.lock();
            try {
                failingSince.putIfAbsent(cycle, ticker.now());
            } finally {
                lock.unlock();
            }
            throw e;
        }
        Instant end = ticker.now();
        lock.lock();
        try {
            lastGoodCycle = end;
            failingSince.remove(cycle);
            loginFailing = false;
            loginReported = false;
        } finally {
            lock.unlock();
        }
        listener.cycleSucceeded(name(), cycle, end, Duration.between(start, end));
    }

    private void queue(Woken wakes, Set<String> folders) {
        lock.lock();
        try {
            wakes.folders.addAll(folders);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loggedIn(boolean afterFailure) {
        lock.lock();
        try {
            loginFailing = false;
            loginReported = false;
            if (afterFailure) {
                serverBack = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A refused login is reported once per account until a login succeeds again; all else every time. */
    private void report(String folder, Cycle cycle, Exception e, Duration delay) {
        FailureKind kind = FailureKind.of(e);
        boolean report = true;
        if (kind == FailureKind.LOGIN) {
            lock.lock();
            try {
                report = !loginReported;
                loginReported = true;
                loginFailing = true;
            } finally {
                lock.unlock();
            }
        }
        listener.failed(new Failure(name(), folder, cycle, kind, e, delay, report));
    }

    /** Waits until {@code deadline} by the ticker, or a stop. */
    private void waitUntil(Instant deadline) throws InterruptedException {
        lock.lock();
        try {
            while (!stopping && ticker.now().isBefore(deadline)) {
                ticker.await(lock, changed, deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stop interrupted them; their IDLE ends with DONE and their connections log out. */
    private void joinFolderThreads() {
        boolean interrupted = false;
        for (Thread t : folderThreads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
