package dev.begone.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.pipeline.StopSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CycleSlotsTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    @Test
    void aCycleWaitsWhileTheSlotsAreTakenAndRunsAsSoonAsOneIsFree() throws Exception {
        CycleSlots slots = new CycleSlots(1, LONG);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean secondRan = new AtomicBoolean();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = threads.submit(() -> {
                slots.run(StopSignal.NEVER, () -> {
                    holding.countDown();
                    release.await();
                });
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            Future<?> second = threads.submit(() -> {
                slots.run(StopSignal.NEVER, () -> secondRan.set(true));
                return null;
            });
            Thread.sleep(300);
            assertFalse(secondRan.get(), "the only slot is taken");
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertTrue(secondRan.get());
        }
    }

    /** An account stuck on a server that does not answer holds a slot: the others wait for it only so long. */
    @Test
    void aCycleThatWaitedItsPatienceRunsWithoutASlotSoAStuckAccountHoldsUpNoOther() throws Exception {
        CycleSlots slots = new CycleSlots(1, Duration.ofMillis(300));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> stuck = threads.submit(() -> {
                slots.run(StopSignal.NEVER, () -> {
                    holding.countDown();
                    release.await();
                });
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            long start = System.nanoTime();
            AtomicBoolean ran = new AtomicBoolean();
            slots.run(StopSignal.NEVER, () -> ran.set(true));
            assertTrue(ran.get());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            release.countDown();
            stuck.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStopAskedForWhileWaitingRunsTheCycleAtOnceForItToEndByItself() throws Exception {
        CycleSlots slots = new CycleSlots(1, LONG);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = threads.submit(() -> {
                slots.run(StopSignal.NEVER, () -> {
                    holding.countDown();
                    release.await();
                });
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            AtomicBoolean ran = new AtomicBoolean();
            slots.run(() -> true, () -> ran.set(true));
            assertEquals(true, ran.get());
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
    }
}
