package dev.begone.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackoffTest {
    private static final long SEED = 20261203L;

    @Test
    void delaysDoubleFromOneSecondToFiveMinutesEachInTheUpperHalfOfItsStep() {
        Backoff b = new Backoff(new Random(SEED));
        long nominal = 1000;
        for (int i = 0; i < 14; i++) {
            long delay = b.failed(FailureKind.MAIL_SERVER).toMillis();
            assertTrue(delay >= nominal / 2 && delay <= nominal, "failure " + (i + 1) + ": " + delay + " ms, nominal " + nominal);
            nominal = Math.min(nominal * 2, Backoff.MAX.toMillis());
        }
        assertEquals(Backoff.MAX.toMillis(), nominal);
    }

    @Test
    void refusedLoginsWaitFromOneMinuteDoublingToAnHour() {
        Backoff b = new Backoff(new Random(SEED));
        long nominal = Backoff.LOGIN_FIRST.toMillis();
        for (int i = 0; i < 10; i++) {
            long delay = b.failed(FailureKind.LOGIN).toMillis();
            assertTrue(delay >= nominal / 2 && delay <= nominal, "failure " + (i + 1) + ": " + delay + " ms, nominal " + nominal);
            nominal = Math.min(nominal * 2, Backoff.LOGIN_MAX.toMillis());
        }
    }

    @Test
    void successStartsTheScheduleOver() {
        Backoff b = new Backoff(new Random(SEED));
        for (int i = 0; i < 8; i++) b.failed(FailureKind.OTHER);
        b.succeeded();
        assertEquals(0, b.failuresInRow());
        assertTrue(b.failed(FailureKind.OTHER).compareTo(Duration.ofSeconds(1)) <= 0);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        assertEquals(delays(new Backoff(new Random(SEED))), delays(new Backoff(new Random(SEED))));
    }

    @Test
    void aVeryLongStreakStaysAtTheCap() {
        Backoff b = new Backoff(new Random(SEED));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 200; i++) last = b.failed(FailureKind.MAIL_SERVER);
        assertTrue(last.compareTo(Backoff.MAX.dividedBy(2)) >= 0 && last.compareTo(Backoff.MAX) <= 0, last.toString());
    }

    private static List<Duration> delays(Backoff b) {
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) out.add(b.failed(FailureKind.MAIL_SERVER));
        return out;
    }
}
