package dev.begone.daemon;

import dev.begone.pipeline.StopSignal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many cycles of all accounts run at once, first come, first served. Without a bound, mail arriving for a
 * thousand accounts at once started a thousand cycles that shared the disk's fsyncs, the server and the cores, and
 * all finished late together; in turn, the first are filed first, and fewer state files and connections are busy at
 * once. A slot is a courtesy, not a lock: a cycle that has waited {@code patience} for one runs without, so accounts
 * stuck on a server that does not answer (each network wait has its own deadline) delay the others by at most that,
 * and never stop them.
 */
public final class CycleSlots {
    /** How often a waiting cycle looks whether it is asked to stop: the stop signal is read, not signalled. */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Duration patience;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a slot is freed or the head of the line leaves it. */
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    /** The cycles waiting, in the order they came; each keeps its place while it looks at its stop signal. */
    private final Deque<Object> line = new ArrayDeque<>();
    private int free;

    public CycleSlots(int slots, Duration patience) {
        if (slots < 1) throw new IllegalArgumentException("slots must be positive, was " + slots);
        if (patience.isNegative()) throw new IllegalArgumentException("patience is negative");
        this.free = slots;
        this.patience = patience;
    }

    /** Work that may throw anything, as a cycle does. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} in a slot once one is free and every cycle that came before has had one, or without one after
     * {@code patience}; a stop asked for while waiting runs it at once (it returns early by itself, between messages).
     */
    public void run(StopSignal stop, Work work) throws Exception {
        boolean held = awaitSlot(stop);
        try {
            work.run();
        } finally {
            if (held) {
                lock.lock();
                try {
                    free++;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private boolean awaitSlot(StopSignal stop) throws InterruptedException {
        Object ticket = new Object();
        long deadline = System.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            line.addLast(ticket);
            try {
                while (true) {
                    if (line.peekFirst() == ticket && free > 0) {
                        free--;
                        return true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || stop.stopRequested()) return false;
                    changed.awaitNanos(Math.min(left, STOP_CHECK_NANOS));
                }
            } finally {
                line.remove(ticket);
                // The next in line may be the one a free slot waits for.
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
