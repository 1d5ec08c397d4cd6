package dev.begone.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The daemon's time: what time it is, and waiting until a moment. Every wait of the daemon goes through here, so
 * tests run hours of schedule (backoff, periodic work) in milliseconds with a ticker they move by hand.
 */
public interface Ticker {
    Instant now();

    /**
     * Waits on {@code condition}, whose {@code lock} the caller holds, until {@code deadline} by this ticker or until
     * the condition is signalled. It may return early, so callers check their state again and wait again.
     */
    void await(Lock lock, Condition condition, Instant deadline) throws InterruptedException;

    static Ticker of(Clock clock) {
        return new Ticker() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void await(Lock lock, Condition condition, Instant deadline) throws InterruptedException {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) return;
                condition.awaitNanos(left.toNanos());
            }
        };
    }
}
