package dev.begone.imap;

import java.time.LocalDate;

/**
 * What a UID SEARCH asks for; all conditions must hold.
 *
 * @param maxSizeBytes messages larger than this are left out; {@link Long#MAX_VALUE} means any size
 * @param flagged true: only \Flagged, false: only not \Flagged, null: either
 * @param undeletedOnly leave out messages marked \Deleted
 * @param excluded leave out these UIDs (the server is asked only about the others, so a folder whose messages
 *     were nearly all handled before costs the server almost nothing to search); empty means none
 * @param headerName with {@code headerValue}: only messages whose header contains the value; both null means any
 * @param before only messages whose INTERNALDATE falls on an earlier day (SEARCH BEFORE); null means any
 */
public record SearchCriteria(
        long maxSizeBytes, Boolean flagged, boolean undeletedOnly, UidSet excluded, String headerName, String headerValue,
        LocalDate before) {

    public SearchCriteria {
        if (maxSizeBytes < 0) throw new IllegalArgumentException("maxSizeBytes " + maxSizeBytes + " is negative");
        java.util.Objects.requireNonNull(excluded, "excluded");
        if ((headerName == null) != (headerValue == null)) {
            throw new IllegalArgumentException("headerName and headerValue must both be set or both be null");
        }
        if (headerName != null && !headerName.matches("[!-9;-~]+")) {
            throw new IllegalArgumentException("headerName '" + headerName + "' is not a header field name");
        }
    }

    public static SearchCriteria all() {
        return new SearchCriteria(Long.MAX_VALUE, null, false, UidSet.empty(), null, null, null);
    }

    /** Keeps messages of at most {@code bytes}, like isbg's --maxsize. */
    public SearchCriteria maxSize(long bytes) {
        return new SearchCriteria(bytes, flagged, undeletedOnly, excluded, headerName, headerValue, before);
    }

    public SearchCriteria flagged(Boolean isFlagged) {
        return new SearchCriteria(maxSizeBytes, isFlagged, undeletedOnly, excluded, headerName, headerValue, before);
    }

    public SearchCriteria undeleted() {
        return new SearchCriteria(maxSizeBytes, flagged, true, excluded, headerName, headerValue, before);
    }

    /** Leaves out UIDs below {@code uid}. */
    public SearchCriteria fromUid(long uid) {
        return uid <= 1 ? this : excluding(UidSet.range(1, uid - 1));
    }

    /** Leaves out {@code uids} in addition to those already left out. */
    public SearchCriteria excluding(UidSet uids) {
        return new SearchCriteria(maxSizeBytes, flagged, undeletedOnly, excluded.union(uids), headerName, headerValue, before);
    }

    /** Keeps messages whose INTERNALDATE is on a day before {@code day}. */
    public SearchCriteria before(LocalDate day) {
        return new SearchCriteria(maxSizeBytes, flagged, undeletedOnly, excluded, headerName, headerValue, day);
    }

    public SearchCriteria header(String name, String value) {
        return new SearchCriteria(maxSizeBytes, flagged, undeletedOnly, excluded, name, value, before);
    }
}
