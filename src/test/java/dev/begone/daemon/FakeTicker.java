package dev.begone.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A ticker whose time moves only when the test says. Waiting threads are parked on their own conditions without a
 * timeout; {@link #advance} wakes them to check the new time. {@link #awaitParkedUntil} lets a test move time only
 * once the thread it is about is parked, so no step of a schedule is skipped by a race.
 */
final class FakeTicker implements Ticker {
    private record Parked(Lock lock, Condition condition, Instant deadline) {}

    private Instant now;
    private final Map<Thread, Parked> parked = new HashMap<>();

    FakeTicker(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public void await(Lock lock, Condition condition, Instant deadline) throws InterruptedException {
        synchronized (this) {
            if (!now.isBefore(deadline)) return;
            parked.put(Thread.currentThread(), new Parked(lock, condition, deadline));
            notifyAll();
        }
        try {
            // advance() signals only after taking the lock the caller holds, so it cannot slip in before this.
            condition.await();
        } finally {
            synchronized (this) {
                parked.remove(Thread.currentThread());
            }
        }
    }

    /** Moves time on and wakes every parked thread to look at it. */
    void advance(Duration d) {
        List<Parked> toWake;
        synchronized (this) {
            now = now.plus(d);
            toWake = new ArrayList<>(parked.values());
        }
        for (Parked p : toWake) {
            p.lock().lock();
            try {
                p.condition().signalAll();
            } finally {
                p.lock().unlock();
            }
        }
    }

    /** Waits (at most 10 s of real time) until some thread is parked until exactly {@code deadline}. */
    synchronized void awaitParkedUntil(Instant deadline) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (parked.values().stream().noneMatch(p -> p.deadline().equals(deadline))) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("nobody parked until " + deadline + "; parked: " + parked.values());
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
