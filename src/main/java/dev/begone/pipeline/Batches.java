package dev.begone.pipeline;

import dev.begone.classify.ClassifierException;
import dev.begone.imap.UidSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Batching and waiting helpers shared by the scan and learn flows. */
final class Batches {
    private Batches() {}

    /**
     * The most message bytes one fetch may bring in. A flow holds two batches at once (one scored while the next
     * downloads), so memory is bounded by bytes, not by a count of messages of any size.
     */
    static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;

    /**
     * Splits into batches of at most {@code size} UIDs and at most {@code maxBytes} by {@code sizes} (a message
     * larger than that alone makes a batch of its own), the newest (highest) UIDs in the first batch. UIDs without
     * a known size count as empty.
     */
    static List<UidSet> newestFirst(UidSet uids, int size, Map<Long, Long> sizes, long maxBytes) {
        List<UidSet> out = new ArrayList<>();
        Cursor cursor = new Cursor(uids.descendingIterator(), sizes, maxBytes);
        while (cursor.hasNext()) out.add(cursor.next(size));
        return out;
    }

    /**
     * Cuts batches off a sequence of UIDs one at a time, each of the size asked for then (so that a flow can size the
     * next batch by how the last one went), within a byte limit by {@code sizes} as in {@link #newestFirst}.
     */
    static final class Cursor {
        private final PrimitiveIterator.OfLong uids;
        private final Map<Long, Long> sizes;
        private final long maxBytes;
        /** The UID read ahead that did not fit the last batch; 0 when none. */
        private long next;

        Cursor(PrimitiveIterator.OfLong uids, Map<Long, Long> sizes, long maxBytes) {
            this.uids = uids;
            this.sizes = sizes;
            this.maxBytes = maxBytes;
        }

        /** The UIDs from the highest down. */
        static Cursor newestFirst(UidSet uids, Map<Long, Long> sizes, long maxBytes) {
            return new Cursor(uids.descendingIterator(), sizes, maxBytes);
        }

        /** The UIDs from the lowest up. */
        static Cursor oldestFirst(UidSet uids, Map<Long, Long> sizes, long maxBytes) {
            return new Cursor(Arrays.stream(uids.toArray()).iterator(), sizes, maxBytes);
        }

        boolean hasNext() {
            return next != 0 || uids.hasNext();
        }

        /** At most {@code size} UIDs (at least one), in the cursor's order. */
        UidSet next(int size) {
            UidSet.Builder b = UidSet.builder();
            int n = 0;
            long bytes = 0;
            while (n < size && hasNext()) {
                long uid = next != 0 ? next : uids.nextLong();
                next = 0;
                long messageBytes = Math.max(0, sizes.getOrDefault(uid, 0L));
                if (n > 0 && bytes + messageBytes > maxBytes) {
                    next = uid;
                    break;
                }
                b.add(uid);
                n++;
                bytes += messageBytes;
            }
            return b.build();
        }
    }

    /**
     * Sizes a flow's batches by the classifier's pace: a batch holds about {@link #BATCH_SECONDS} of its work, and no
     * fewer messages than the first batch. A fast classifier then costs few round trips and journal writes per
     * message; a slow one keeps batches short, so that a stop asked for is heeded soon.
     */
    static final class Sizer {
        /** Long enough that per-batch costs (a FETCH, STATUS and MOVE, a few fsyncs) are small beside it. */
        static final double BATCH_SECONDS = 1;
        /** With {@link #MAX_BATCH_BYTES} this bounds what a batch holds in memory whatever the messages' size. */
        static final int MAX_MESSAGES = 2000;

        private final int least;
        private int size;
        private Long previousFinished;

        Sizer(int first) {
            this.least = first;
            this.size = first;
        }

        int next() {
            return size;
        }

        /**
         * A batch of which {@code classified} messages went to the classifier pool at {@code submitted} (nanoTime),
         * the last of them scored at {@code finished}. The pool works on one batch after the other, so the batch's
         * own time starts when the batch before it was done, if that was later.
         */
        void scored(int classified, long submitted, long finished) {
            if (classified == 0) return;
            long start = previousFinished != null && previousFinished - submitted > 0 ? previousFinished : submitted;
            previousFinished = finished;
            double perSecond = classified / Math.max((finished - start) / 1e9, 1e-3);
            size = (int) Math.max(least, Math.min(MAX_MESSAGES, perSecond * BATCH_SECONDS));
        }
    }

    /**
     * Waits for every task; a classifier failure in any of them fails the whole batch (so nothing of it is acted on)
     * and cancels the rest.
     */
    static <T> List<T> awaitAll(List<Future<T>> futures) throws IOException {
        List<T> results = new ArrayList<>(futures.size());
        try {
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the classifier", e);
        } catch (ExecutionException | CancellationException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            throw new ClassifierException("classifier failed: " + cause, cause);
        }
    }
}
