package dev.begone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.begone.imap.UidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aCursorCutsEachBatchToTheSizeAskedForThenAndNeverAboveTheByteLimit() {
        UidSet uids = UidSet.range(1, 10);
        Map<Long, Long> sizes = Map.of(8L, 700L, 7L, 400L);
        Batches.Cursor newest = Batches.Cursor.newestFirst(uids, sizes, 1000);
        assertEquals(UidSet.of(10, 9), newest.next(2));
        assertEquals(UidSet.of(8), newest.next(5), "700 + 400 bytes is over the limit: 7 waits for the next batch");
        assertEquals(UidSet.range(3, 7), newest.next(5));
        assertEquals(UidSet.of(1, 2), newest.next(5));
        assertFalse(newest.hasNext());

        Batches.Cursor oldest = Batches.Cursor.oldestFirst(uids, Map.of(), 1000);
        assertEquals(UidSet.range(1, 4), oldest.next(4));
        assertEquals(UidSet.range(5, 10), oldest.next(100));
        assertFalse(oldest.hasNext());
    }

    @Test
    void aMessageAboveTheByteLimitMakesABatchOfItsOwn() {
        Batches.Cursor c = Batches.Cursor.newestFirst(UidSet.range(1, 3), Map.of(2L, 5000L), 1000);
        List<UidSet> batches = new ArrayList<>();
        while (c.hasNext()) batches.add(c.next(10));
        assertEquals(List.of(UidSet.of(3), UidSet.of(2), UidSet.of(1)), batches);
        assertEquals(batches, Batches.newestFirst(UidSet.range(1, 3), 10, Map.of(2L, 5000L), 1000));
    }

    @Test
    void batchesHoldAboutASecondOfTheClassifiersWorkWithinTheirBounds() {
        Batches.Sizer sizer = new Batches.Sizer(50);
        assertEquals(50, sizer.next(), "the first batch: as configured");
        sizer.scored(50, 0, SECOND / 2); // 100 messages a second
        assertEquals(100 * Batches.Sizer.BATCH_SECONDS, sizer.next(), 1);
        sizer.scored(50, 0, SECOND / 2 + 5 * SECOND); // began when the batch before ended: 10 a second
        assertEquals(50, sizer.next(), "never below the first batch's size");
        sizer.scored(1000, 6 * SECOND, 6 * SECOND + SECOND / 1000);
        assertEquals(Batches.Sizer.MAX_MESSAGES, sizer.next());
        sizer.scored(0, 7 * SECOND, 7 * SECOND);
        assertEquals(Batches.Sizer.MAX_MESSAGES, sizer.next(), "a batch the rules decided alone says nothing of the pace");
    }
}
