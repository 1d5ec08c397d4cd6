package dev.begone.daemon;

import dev.begone.pipeline.StopSignal;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many cycles of all accounts run at once, first come, first served. Without a bound, mail arriving for a
 * thousand accounts at once started a thousand cycles that shared the disk's fsyncs, the server and the cores, and
 * all finished late together; in turn, the first are filed first, and fewer state files and connections are busy at
 * once. A slot is a courtesy, not a lock: a cycle that has waited {@code patience} for one runs without, so accounts
 * stuck on a server that does not answer (each network wait has its own deadline) delay the others by at most that,
 * and never stop them.
 */
public final class CycleSlots {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Semaphore slots;
    private final Duration patience;

    public CycleSlots(int slots, Duration patience) {
        if (slots < 1) throw new IllegalArgumentException("slots must be positive, was " + slots);
        if (patience.isNegative()) throw new IllegalArgumentException("patience is negative");
        this.slots = new Semaphore(slots, true);
        this.patience = patience;
    }

    /** Work that may throw anything, as a cycle does. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} in a slot once one is free, or without one after {@code patience}; a stop asked for while
     * waiting runs it at once (it returns early by itself, between messages).
     */
    public void run(StopSignal stop, Work work) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean held = false;
        while (!stop.stopRequested() && System.nanoTime() - deadline < 0) {
            if (slots.tryAcquire(Math.min(POLL_NANOS, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                held = true;
                break;
            }
        }
        try {
            work.run();
        } finally {
            if (held) slots.release();
        }
    }
}
