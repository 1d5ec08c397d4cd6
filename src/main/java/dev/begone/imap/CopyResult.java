package dev.begone.imap;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the server said about a COPY or MOVE (RFC 4315 COPYUID). When it said nothing,
 * {@code destUidValidity} is 0 and both sets are empty.
 */
public record CopyResult(long destUidValidity, UidSet sourceUids, UidSet destUids) {
    public CopyResult {
        if (destUidValidity < 0) throw new IllegalArgumentException("destUidValidity " + destUidValidity + " is negative");
        if (sourceUids == null) throw new IllegalArgumentException("sourceUids is null");
        if (destUids == null) throw new IllegalArgumentException("destUids is null");
        if (sourceUids.size() != destUids.size()) {
            throw new IllegalArgumentException("sourceUids " + sourceUids + " and destUids " + destUids + " differ in size");
        }
    }

    public static CopyResult unknown() {
        return new CopyResult(0, UidSet.empty(), UidSet.empty());
    }

    public boolean known() {
        return destUidValidity != 0;
    }

    /**
     * Each source UID's copy. RFC 4315 pairs the sets in the order the server wrote them; servers number copies in
     * ascending source order, which is the order these sets keep. Empty when the server did not say.
     */
    public Map<Long, Long> destUidBySource() {
        Map<Long, Long> out = new TreeMap<>();
        long[] from = sourceUids.toArray();
        long[] to = destUids.toArray();
        for (int i = 0; i < from.length; i++) out.put(from[i], to[i]);
        return out;
    }
}
