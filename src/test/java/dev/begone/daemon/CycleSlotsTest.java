package dev.begone.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.pipeline.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CycleSlotsTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseAndEnd() {
        release.countDown();
        threads.close();
    }

    /** Another account's cycle takes the only slot and keeps it until {@link #release}. */
    private Future<?> holdTheOnlySlot(CycleSlots slots) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> {
            slots.run(StopSignal.NEVER, () -> {
                holding.countDown();
                release.await();
            });
            return null;
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        return holder;
    }

    @Test
    void aCycleWaitsWhileTheSlotsAreTakenAndRunsAsSoonAsOneIsFree() throws Exception {
        CycleSlots slots = new CycleSlots(1, LONG);
        Future<?> first = holdTheOnlySlot(slots);
        AtomicBoolean secondRan = new AtomicBoolean();
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

    /** Mail for many accounts at once is filed in the order it woke them, each keeping its place while it waits. */
    @Test
    void cyclesWaitingForASlotGetItInTheOrderTheyCame() throws Exception {
        CycleSlots slots = new CycleSlots(1, LONG);
        Future<?> holder = holdTheOnlySlot(slots);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            waiting.add(threads.submit(() -> {
                slots.run(StopSignal.NEVER, () -> order.add(n));
                return null;
            }));
            // Longer than a waiter's look at its stop signal: each has gone round its wait before the next comes.
            Thread.sleep(250);
        }
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        for (Future<?> f : waiting) f.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    /** An account stuck on a server that does not answer holds a slot: the others wait for it only so long. */
    @Test
    void aCycleThatWaitedItsPatienceRunsWithoutASlotSoAStuckAccountHoldsUpNoOther() throws Exception {
        CycleSlots slots = new CycleSlots(1, Duration.ofMillis(300));
        holdTheOnlySlot(slots);
        AtomicBoolean ran = new AtomicBoolean();
        slots.run(StopSignal.NEVER, () -> ran.set(true));
        assertTrue(ran.get());
    }

    @Test
    void aStopAskedForWhileWaitingRunsTheCycleAtOnceForItToEndByItself() throws Exception {
        CycleSlots slots = new CycleSlots(1, LONG);
        holdTheOnlySlot(slots);
        AtomicBoolean ran = new AtomicBoolean();
        slots.run(() -> true, () -> ran.set(true));
        assertTrue(ran.get());
    }
}
