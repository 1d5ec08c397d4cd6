package dev.begone.classify.builtin;

import java.util.Arrays;

/**
 * A model's cells, three ints per feature (see {@link BuiltinClassifier}), in memory for what the model holds. A young
 * model fills a few thousand of the million features: it keeps them in a small hash table, and moves into one dense
 * array once it fills {@link #DENSE_FROM_SHIFT 1/32} of them (about 1 MB of table).
 * {@code begone watch} over many accounts loads a model for most cycles: a dense 12 MB array for each, zeroed and
 * collected, was most of the work of filing one message for a young account.
 *
 * <p>One thread writes (under the model's lock) while others score. A table never changes size in place: the writer
 * builds a larger one, or the dense array, and publishes it whole, so a reader that took {@link #table} once reads a
 * consistent table, at worst one lesson behind, as it could before.
 */
final class Cells {
    /**
     * The share of the features from which a model is dense: 1/32 of them. A probe of the table costs more than an
     * index into the array: from an eighth, learning the shared corpus from scratch ran at half the speed.
     */
    private static final int DENSE_FROM_SHIFT = 5;
    private static final int FIRST_SLOTS = 1 << 10;
    /** Fibonacci hashing: features are already hashes, but of their low bits only. */
    private static final int SPREAD = 0x9E3779B9;

    private final int hashBits;
    private volatile Table table;

    /** The cells as one reader sees them: where each feature's three ints are in {@link #values}, if anywhere. */
    static final class Table {
        /** Per slot the feature plus one, 0 for a free slot; {@code null} when dense, feature i at {@code 3i}. */
        private final int[] keys;
        final int[] values;
        private final int shift;
        private int size;

        private Table(int[] keys, int[] values) {
            this.keys = keys;
            this.values = values;
            this.shift = keys == null ? 0 : 32 - Integer.numberOfTrailingZeros(keys.length);
        }

        /** The offset of {@code feature}'s cell in {@link #values}, or -1 when the model never held it (all zeros). */
        int offset(int feature) {
            if (keys == null) return 3 * feature;
            int mask = keys.length - 1;
            for (int slot = (feature * SPREAD) >>> shift; ; slot = (slot + 1) & mask) {
                int k = keys[slot];
                if (k == feature + 1) return 3 * slot;
                if (k == 0) return -1;
            }
        }

        boolean dense() {
            return keys == null;
        }
    }

    private Cells(int hashBits, Table table) {
        this.hashBits = hashBits;
        this.table = table;
    }

    /** A model that holds nothing yet. */
    static Cells empty(int hashBits) {
        return new Cells(hashBits, new Table(new int[FIRST_SLOTS], new int[3 * FIRST_SLOTS]));
    }

    /** A model to be filled feature by feature in order, every one of them: the dense file versions. */
    static Cells dense(int hashBits) {
        return new Cells(hashBits, new Table(null, CellArrays.zeroed(3 << hashBits)));
    }

    int hashBits() {
        return hashBits;
    }

    /** The cells now, for reading; a writer asks again after each {@link #claim}. */
    Table table() {
        return table;
    }

    /**
     * The offset in {@link #table()}'s values of {@code feature}'s cell, made (all zeros) when missing. Only the
     * model's one writer calls this.
     */
    int claim(int feature) {
        Table t = table;
        int found = t.offset(feature);
        if (found >= 0) return found;
        if (t.size + 1 > (1 << hashBits) >>> DENSE_FROM_SHIFT) {
            t = denseCopy(t);
        } else if (2 * (t.size + 1) > t.keys.length) {
            t = largerCopy(t);
        } else {
            return insert(t, feature);
        }
        table = t;
        return t.dense() ? 3 * feature : insert(t, feature);
    }

    private static int insert(Table t, int feature) {
        int mask = t.keys.length - 1;
        int slot = (feature * SPREAD) >>> t.shift;
        while (t.keys[slot] != 0) slot = (slot + 1) & mask;
        t.keys[slot] = feature + 1;
        t.size++;
        return 3 * slot;
    }

    private static Table largerCopy(Table t) {
        Table larger = new Table(new int[2 * t.keys.length], new int[6 * t.keys.length]);
        for (int s = 0; s < t.keys.length; s++) {
            if (t.keys[s] == 0) continue;
            int to = insert(larger, t.keys[s] - 1);
            System.arraycopy(t.values, 3 * s, larger.values, to, 3);
        }
        return larger;
    }

    private Table denseCopy(Table t) {
        int[] values = CellArrays.zeroed(3 << hashBits);
        for (int s = 0; s < t.keys.length; s++) {
            if (t.keys[s] != 0) System.arraycopy(t.values, 3 * s, values, 3 * (t.keys[s] - 1), 3);
        }
        return new Table(null, values);
    }

    /** The features a table holds, in order; a dense model holds every feature, and has no such list. */
    int[] heldInOrder() {
        Table t = table;
        if (t.dense()) throw new IllegalStateException("a dense model holds every feature");
        int[] held = new int[t.size];
        int n = 0;
        for (int k : t.keys) {
            if (k != 0) held[n++] = k - 1;
        }
        Arrays.sort(held);
        return held;
    }

    /** Bytes the cells take in memory: what the model holds, up to 12 bytes for every feature once dense. */
    long memoryBytes() {
        Table t = table;
        return 4L * t.values.length + (t.dense() ? 0 : 4L * t.keys.length);
    }

    /** Gives a dense array to the next model loaded; these cells must not be used again. */
    void release() {
        Table t = table;
        if (t.dense()) CellArrays.giveBack(t.values);
    }
}
