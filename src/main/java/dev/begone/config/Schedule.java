package dev.begone.config;

import java.time.Duration;

/**
 * When {@code begone watch} does an account's work that new mail does not wake.
 *
 * @param periodic how often the training folders, retention and archives run, after the run at start
 * @param poll     how often a folder is asked for new mail where the server has no IDLE
 */
public record Schedule(Duration periodic, Duration poll) {
    public static final Schedule DEFAULT = new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(60));
    /** A day: /healthz calls an account unhealthy once its periodic work failed for three periods, not days later. */
    public static final int MAX_PERIODIC_MINUTES = 1440;
    /** An hour: mail found later than that is hardly "as it arrives". */
    public static final int MAX_POLL_SECONDS = 3600;

    public Schedule {
        if (periodic == null || periodic.isNegative() || periodic.isZero()) {
            throw new IllegalArgumentException("periodic must be positive, was " + periodic);
        }
        if (poll == null || poll.isNegative() || poll.isZero()) throw new IllegalArgumentException("poll must be positive, was " + poll);
    }
}
