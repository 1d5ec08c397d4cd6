package dev.begone.pipeline;

import dev.begone.classify.ClassifierException;
import dev.begone.imap.UidSet;
import java.io.IOException;
import java.util.ArrayList;
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
        PrimitiveIterator.OfLong it = uids.descendingIterator();
        UidSet.Builder b = UidSet.builder();
        int n = 0;
        long bytes = 0;
        while (it.hasNext()) {
            long uid = it.nextLong();
            long messageBytes = Math.max(0, sizes.getOrDefault(uid, 0L));
            if (n > 0 && (n == size || bytes + messageBytes > maxBytes)) {
                out.add(b.build());
                b = UidSet.builder();
                n = 0;
                bytes = 0;
            }
            b.add(uid);
            n++;
            bytes += messageBytes;
        }
        if (n > 0) out.add(b.build());
        return out;
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
