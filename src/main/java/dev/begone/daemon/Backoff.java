package dev.begone.daemon;

import java.time.Duration;
import java.util.Random;

/**
 * How long to wait before trying again after failures in a row: 1 s doubling to 5 minutes, or, while the server
 * refuses the login, 1 minute doubling to 1 hour (a wrong password stays wrong until someone changes it, and servers
 * lock out clients that keep trying). Each delay is spread at random over its upper half ("equal jitter"), so
 * accounts cut off together do not all come back in the same second, yet none retries sooner than half the
 * schedule. A success starts the schedule over. Not thread-safe: one per thread that retries.
 */
public final class Backoff {
    /** The schedules, by kind of failure. */
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofMinutes(5);
    public static final Duration LOGIN_FIRST = Duration.ofMinutes(1);
    public static final Duration LOGIN_MAX = Duration.ofHours(1);

    private final Random random;
    private int failuresInRow;

    /** @param random the jitter; seeded in tests */
    public Backoff(Random random) {
        this.random = random;
    }

    /** Counts a failure and returns the delay before the next try. */
    public Duration failed(FailureKind kind) {
        Duration first = kind == FailureKind.LOGIN ? LOGIN_FIRST : FIRST;
        Duration max = kind == FailureKind.LOGIN ? LOGIN_MAX : MAX;
        // Doubling stops at the cap; the shift is bounded so it cannot overflow however long the streak.
        long nominal = Math.min(max.toMillis(), first.toMillis() << Math.min(failuresInRow, 30));
        failuresInRow++;
        long half = nominal / 2;
        return Duration.ofMillis(nominal - half + (long) (random.nextDouble() * (half + 1)));
    }

    public void succeeded() {
        failuresInRow = 0;
    }

    public int failuresInRow() {
        return failuresInRow;
    }
}
