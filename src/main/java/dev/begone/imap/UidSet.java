package dev.begone.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.function.LongConsumer;

/**
 * An immutable set of IMAP UIDs kept as sorted, disjoint, non-adjacent ranges, so that a folder of
 * 100,000 messages scanned in order costs one range, not 100,000 entries. Its text form is an IMAP
 * sequence-set ({@code 1:5,7,9:12}), usable both on the wire and in the state database.
 */
public final class UidSet {
    private static final UidSet EMPTY = new UidSet(new long[0]);

    /** lo0, hi0, lo1, hi1, ... with hi(i) + 1 < lo(i+1). */
    private final long[] bounds;

    private UidSet(long[] bounds) {
        this.bounds = bounds;
    }

    public static UidSet empty() {
        return EMPTY;
    }

    public static UidSet of(long... uids) {
        Builder b = builder();
        for (long uid : uids) b.add(uid);
        return b.build();
    }

    public static UidSet range(long lo, long hi) {
        if (lo < 1 || hi < lo) throw new IllegalArgumentException("bad UID range " + lo + ":" + hi);
        return new UidSet(new long[] {lo, hi});
    }

    public static UidSet copyOf(Iterable<Long> uids) {
        Builder b = builder();
        for (long uid : uids) b.add(uid);
        return b.build();
    }

    /** Parses an IMAP sequence-set of UIDs. {@code *} is not allowed: the caller must know the bound. */
    public static UidSet parse(String text) {
        Builder b = builder();
        if (text == null || text.isBlank()) return EMPTY;
        for (String part : text.trim().split(",")) {
            int colon = part.indexOf(':');
            try {
                if (colon < 0) {
                    b.add(Long.parseLong(part));
                } else {
                    long x = Long.parseLong(part.substring(0, colon));
                    long y = Long.parseLong(part.substring(colon + 1));
                    b.addRange(Math.min(x, y), Math.max(x, y));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a UID set: " + text, e);
            }
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }

    /** Number of UIDs in the set. */
    public long size() {
        long n = 0;
        for (int i = 0; i < bounds.length; i += 2) n += bounds[i + 1] - bounds[i] + 1;
        return n;
    }

    /** Number of ranges: the storage cost. */
    public int rangeCount() {
        return bounds.length / 2;
    }

    public long min() {
        if (isEmpty()) throw new NoSuchElementException("empty UID set");
        return bounds[0];
    }

    public long max() {
        if (isEmpty()) throw new NoSuchElementException("empty UID set");
        return bounds[bounds.length - 1];
    }

    public boolean contains(long uid) {
        int lo = 0;
        int hi = bounds.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (uid < bounds[2 * mid]) hi = mid - 1;
            else if (uid > bounds[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    public UidSet union(UidSet other) {
        if (other.isEmpty()) return this;
        if (isEmpty()) return other;
        Builder b = builder();
        b.addAll(this);
        b.addAll(other);
        return b.build();
    }

    /** The UIDs of this set that are not in {@code other}; linear in the number of ranges. */
    public UidSet minus(UidSet other) {
        if (isEmpty() || other.isEmpty()) return this;
        Builder b = builder();
        int j = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            long lo = bounds[i];
            long hi = bounds[i + 1];
            while (j < other.bounds.length && other.bounds[j + 1] < lo) j += 2;
            int k = j;
            while (lo <= hi && k < other.bounds.length && other.bounds[k] <= hi) {
                if (other.bounds[k] > lo) b.addRange(lo, other.bounds[k] - 1);
                lo = Math.max(lo, other.bounds[k + 1] + 1);
                k += 2;
            }
            if (lo <= hi) b.addRange(lo, hi);
        }
        return b.build();
    }

    public UidSet intersect(UidSet other) {
        return minus(minus(other));
    }

    /** The {@code n} highest UIDs (the newest messages), or all if there are fewer. */
    public UidSet highest(long n) {
        if (n <= 0) return EMPTY;
        if (n >= size()) return this;
        Builder b = builder();
        long left = n;
        for (int i = bounds.length - 2; i >= 0 && left > 0; i -= 2) {
            long lo = bounds[i];
            long hi = bounds[i + 1];
            long take = Math.min(left, hi - lo + 1);
            b.addRange(hi - take + 1, hi);
            left -= take;
        }
        return b.build();
    }

    /** Splits into consecutive pieces of at most {@code maxUids} UIDs each, lowest first. */
    public List<UidSet> chunks(int maxUids) {
        if (maxUids < 1) throw new IllegalArgumentException("maxUids < 1");
        List<UidSet> out = new ArrayList<>();
        Builder b = builder();
        long[] count = {0};
        forEach(uid -> {
            b.add(uid);
            if (++count[0] == maxUids) {
                out.add(b.build());
                b.clear();
                count[0] = 0;
            }
        });
        if (count[0] > 0) out.add(b.build());
        return out;
    }

    public void forEach(LongConsumer action) {
        for (int i = 0; i < bounds.length; i += 2) {
            for (long uid = bounds[i]; uid <= bounds[i + 1]; uid++) action.accept(uid);
        }
    }

    /** Highest UID first: isbg scans the newest messages first. */
    public PrimitiveIterator.OfLong descendingIterator() {
        return new PrimitiveIterator.OfLong() {
            int range = bounds.length - 2;
            long next = range >= 0 ? bounds[range + 1] : 0;

            @Override
            public boolean hasNext() {
                return range >= 0;
            }

            @Override
            public long nextLong() {
                if (range < 0) throw new NoSuchElementException();
                long uid = next;
                if (next == bounds[range]) {
                    range -= 2;
                    if (range >= 0) next = bounds[range + 1];
                } else {
                    next--;
                }
                return uid;
            }
        };
    }

    public long[] toArray() {
        long[] out = new long[Math.toIntExact(size())];
        int[] i = {0};
        forEach(uid -> out[i[0]++] = uid);
        return out;
    }

    /** IMAP sequence-set syntax; empty string for the empty set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bounds.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append(bounds[i]);
            if (bounds[i + 1] != bounds[i]) sb.append(':').append(bounds[i + 1]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UidSet other && Arrays.equals(bounds, other.bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }

    /** Accepts UIDs and ranges in any order; overlapping and adjacent ranges are merged by {@link #build}. */
    public static final class Builder {
        private long[] pending = new long[16];
        private int n;

        private Builder() {}

        public Builder add(long uid) {
            return addRange(uid, uid);
        }

        public Builder addRange(long lo, long hi) {
            if (lo < 1 || hi < lo) throw new IllegalArgumentException("bad UID range " + lo + ":" + hi);
            if (n + 2 > pending.length) pending = Arrays.copyOf(pending, pending.length * 2);
            pending[n++] = lo;
            pending[n++] = hi;
            return this;
        }

        public Builder addAll(UidSet set) {
            for (int i = 0; i < set.bounds.length; i += 2) addRange(set.bounds[i], set.bounds[i + 1]);
            return this;
        }

        void clear() {
            n = 0;
        }

        public UidSet build() {
            if (n == 0) return EMPTY;
            int ranges = n / 2;
            Integer[] order = new Integer[ranges];
            for (int i = 0; i < ranges; i++) order[i] = i;
            boolean sorted = true;
            for (int i = 1; i < ranges && sorted; i++) sorted = pending[2 * i] > pending[2 * i - 1];
            long[] out = new long[n];
            int m = 0;
            if (!sorted) Arrays.sort(order, (a, b) -> Long.compare(pending[2 * a], pending[2 * b]));
            for (int k = 0; k < ranges; k++) {
                long lo = pending[2 * order[k]];
                long hi = pending[2 * order[k] + 1];
                if (m > 0 && lo <= out[m - 1] + 1) {
                    out[m - 1] = Math.max(out[m - 1], hi);
                } else {
                    out[m++] = lo;
                    out[m++] = hi;
                }
            }
            return new UidSet(Arrays.copyOf(out, m));
        }
    }
}
