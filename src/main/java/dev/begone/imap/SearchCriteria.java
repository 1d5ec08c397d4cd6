package dev.begone.imap;

/**
 * What a UID SEARCH asks for; all conditions must hold.
 *
 * @param maxSizeBytes messages larger than this are left out; {@link Long#MAX_VALUE} means any size
 * @param flagged true: only \Flagged, false: only not \Flagged, null: either
 * @param undeletedOnly leave out messages marked \Deleted
 * @param minUid leave out UIDs below this; 1 means all
 * @param headerName with {@code headerValue}: only messages whose header contains the value; both null means any
 */
public record SearchCriteria(
        long maxSizeBytes, Boolean flagged, boolean undeletedOnly, long minUid, String headerName, String headerValue) {

    public SearchCriteria {
        if (maxSizeBytes < 0) throw new IllegalArgumentException("maxSizeBytes " + maxSizeBytes + " is negative");
        if (minUid < 1) throw new IllegalArgumentException("minUid " + minUid + " is below 1");
        if ((headerName == null) != (headerValue == null)) {
            throw new IllegalArgumentException("headerName and headerValue must both be set or both be null");
        }
        if (headerName != null && !headerName.matches("[!-9;-~]+")) {
            throw new IllegalArgumentException("headerName '" + headerName + "' is not a header field name");
        }
    }

    public static SearchCriteria all() {
        return new SearchCriteria(Long.MAX_VALUE, null, false, 1, null, null);
    }

    /** Keeps messages of at most {@code bytes}, like isbg's --maxsize. */
    public SearchCriteria maxSize(long bytes) {
        return new SearchCriteria(bytes, flagged, undeletedOnly, minUid, headerName, headerValue);
    }

    public SearchCriteria flagged(Boolean isFlagged) {
        return new SearchCriteria(maxSizeBytes, isFlagged, undeletedOnly, minUid, headerName, headerValue);
    }

    public SearchCriteria undeleted() {
        return new SearchCriteria(maxSizeBytes, flagged, true, minUid, headerName, headerValue);
    }

    public SearchCriteria fromUid(long uid) {
        return new SearchCriteria(maxSizeBytes, flagged, undeletedOnly, uid, headerName, headerValue);
    }

    public SearchCriteria header(String name, String value) {
        return new SearchCriteria(maxSizeBytes, flagged, undeletedOnly, minUid, name, value);
    }
}
