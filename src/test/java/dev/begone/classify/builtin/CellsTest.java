package dev.begone.classify.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CellsTest {
    private static final int HASH_BITS = 18;

    /** Claims random features with random values until the cells are dense, checking every value at each growth. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyCellKeepsItsValuesAsTheTableGrowsAndTurnsDense(long seed) {
        Random random = new Random(seed);
        Cells cells = Cells.empty(HASH_BITS);
        Map<Integer, int[]> written = new HashMap<>();
        int growths = 0;
        Cells.Table last = cells.table();
        while (!cells.table().dense()) {
            int feature = random.nextInt(1 << HASH_BITS);
            int[] values = {random.nextInt(), random.nextInt(), random.nextInt()};
            int w = cells.claim(feature);
            System.arraycopy(values, 0, cells.table().values, w, 3);
            written.put(feature, values);
            if (cells.table() != last) {
                growths++;
                last = cells.table();
                assertHolds(cells, written);
            }
        }
        assertHolds(cells, written);
        assertTrue(growths >= 3, "grew " + growths + " times");
        // Dense well before the table would take the dense array's memory (32 bytes or more a feature held).
        assertTrue(written.size() < (1 << HASH_BITS) / 8, "dense only after " + written.size() + " features");
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aTableListsItsFeaturesInOrderAndKnowsNoOthers(long seed) {
        Random random = new Random(seed);
        Cells cells = Cells.empty(HASH_BITS);
        java.util.TreeSet<Integer> claimed = new java.util.TreeSet<>();
        for (int i = 0; i < 500; i++) {
            int feature = random.nextInt(1 << HASH_BITS);
            cells.claim(feature);
            claimed.add(feature);
        }
        assertEquals(claimed.stream().mapToInt(Integer::intValue).boxed().toList(),
                java.util.Arrays.stream(cells.heldInOrder()).boxed().toList());
        for (int f = 0; f < 1 << HASH_BITS; f++) {
            if (!claimed.contains(f)) assertEquals(-1, cells.table().offset(f), "feature " + f);
        }
        assertFalse(cells.table().dense());
    }

    private static void assertHolds(Cells cells, Map<Integer, int[]> written) {
        Cells.Table t = cells.table();
        for (Map.Entry<Integer, int[]> e : written.entrySet()) {
            int w = t.offset(e.getKey());
            assertTrue(w >= 0, "feature " + e.getKey() + " lost");
            for (int k = 0; k < 3; k++) assertEquals(e.getValue()[k], t.values[w + k], "feature " + e.getKey());
        }
    }
}
