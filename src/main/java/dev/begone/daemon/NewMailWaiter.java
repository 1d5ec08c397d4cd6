package dev.begone.daemon;

import java.time.Duration;

/** Waits for new mail in one folder, on a connection of its own; a watcher opens a new one after any failure. */
public interface NewMailWaiter extends AutoCloseable {
    /**
     * @return true when new mail arrived (or, for a waiter opened to notice them, mail left), false when {@code max}
     *     passed without
     * @throws InterruptedException when the watcher stops; the wait ends cleanly first
     * @throws Exception when the connection failed; this waiter is then closed and not used again
     */
    boolean await(Duration max) throws Exception;

    /** The server tells of new mail as it comes (IDLE); false: the waiter asks at intervals. */
    boolean idle();

    @Override
    void close() throws Exception;

    /** Connects and opens {@code folder} for waiting. */
    @FunctionalInterface
    interface Opener {
        NewMailWaiter open(String folder) throws Exception;
    }
}
