package dev.begone.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Observes the watchers (log lines, metrics) without changing them. Called from every account's threads at once,
 * so implementations are thread-safe; every method has a no-op default.
 */
public interface WatchListener {
    WatchListener NONE = new WatchListener() {};

    /**
     * A folder's connection is up and waiting for mail.
     *
     * @param reconnected the previous connection failed
     * @param idle        the server offers IDLE; otherwise the watcher polls
     */
    default void watching(String account, String folder, boolean reconnected, boolean idle) {}

    default void newMail(String account, String folder) {}

    default void cycleStarted(String account, Cycle cycle, Set<String> folders) {}

    /** @param at the ticker's time when it ended; for "last good cycle" */
    default void cycleSucceeded(String account, Cycle cycle, Instant at, Duration took) {}

    default void failed(Failure failure) {}

    /** The account's threads have ended. */
    default void stopped(String account) {}

    /** Tells each of {@code listeners}, in order. */
    static WatchListener all(List<WatchListener> listeners) {
        List<WatchListener> copy = List.copyOf(listeners);
        return new WatchListener() {
            @Override
            public void watching(String account, String folder, boolean reconnected, boolean idle) {
                copy.forEach(l -> l.watching(account, folder, reconnected, idle));
            }

            @Override
            public void newMail(String account, String folder) {
                copy.forEach(l -> l.newMail(account, folder));
            }

            @Override
            public void cycleStarted(String account, Cycle cycle, Set<String> folders) {
                copy.forEach(l -> l.cycleStarted(account, cycle, folders));
            }

            @Override
            public void cycleSucceeded(String account, Cycle cycle, Instant at, Duration took) {
                copy.forEach(l -> l.cycleSucceeded(account, cycle, at, took));
            }

            @Override
            public void failed(Failure failure) {
                copy.forEach(l -> l.failed(failure));
            }

            @Override
            public void stopped(String account) {
                copy.forEach(l -> l.stopped(account));
            }
        };
    }
}
