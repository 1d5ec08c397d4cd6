package dev.begone.daemon;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the daemon recovers from by waiting and trying again.
 *
 * @param folder  the folder whose waiting connection failed, or null when a cycle failed
 * @param cycle   the cycle that failed, or null when a folder's connection failed
 * @param retryIn how long the watcher waits before trying again
 * @param report  false for a login failure of an account already reported since it last succeeded: the log says it
 *                once, metrics count every one
 */
public record Failure(String account, String folder, Cycle cycle, FailureKind kind, Exception error,
        Duration retryIn, boolean report) {
    public Failure {
        Objects.requireNonNull(account, "account");
        if ((folder == null) == (cycle == null)) {
            throw new IllegalArgumentException("a failure is of a folder (" + folder + ") or of a cycle (" + cycle + ")");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(retryIn, "retryIn");
    }
}
