package dev.begone.state;

/**
 * A copy begone made earlier of a message with a given fingerprint, by a journal entry that completed: where it
 * should be, and how to check that it still is.
 *
 * @param targetUidValidity the target's UIDVALIDITY when the copy was made; 0 unknown
 * @param destUid           the copy's UID; 0 when the server did not say
 * @param copyFingerprint   SHA-256 of the copy's bytes
 * @param messageId         search hint when {@code destUid} is unknown, or null
 */
public record FiledCopy(String target, long targetUidValidity, long destUid, String copyFingerprint, String messageId) {}
