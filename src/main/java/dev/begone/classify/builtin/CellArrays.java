package dev.begone.classify.builtin;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * The cell arrays of closed models, kept for the next models loaded. {@code begone watch} over many accounts loads a
 * model for most cycles that score mail and closes another to make room: each load allocated a fresh 12 MB array,
 * over a gigabyte a second in a burst of mail, and the collector grew the heap to gigabytes to keep up.
 */
final class CellArrays {
    /** A load follows a close: two spare arrays cover the models opening while others close. */
    private static final int KEPT = 2;
    private static final Deque<int[]> SPARE = new ArrayDeque<>();

    private CellArrays() {}

    /** An array of {@code length} zeros: a spare one cleared, or a new one. */
    static int[] zeroed(int length) {
        int[] spare = null;
        synchronized (SPARE) {
            for (Iterator<int[]> i = SPARE.iterator(); i.hasNext(); ) {
                int[] a = i.next();
                if (a.length == length) {
                    i.remove();
                    spare = a;
                    break;
                }
            }
        }
        if (spare == null) return new int[length];
        Arrays.fill(spare, 0);
        return spare;
    }

    /** Keeps the array of a closed model for a later load; its model must not be used again. */
    static void giveBack(int[] cells) {
        synchronized (SPARE) {
            if (SPARE.size() < KEPT) SPARE.push(cells);
        }
    }
}
