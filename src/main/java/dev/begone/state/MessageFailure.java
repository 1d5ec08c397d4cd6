package dev.begone.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A message a classifier failed on: retried on later runs until the attempts run out, then left where it is.
 *
 * @param fingerprint SHA-256 of the message's raw bytes, hex
 * @param attempts    failed attempts so far
 * @param lastError   the classifier's own error text from the last attempt
 */
public record MessageFailure(Key key, String fingerprint, int attempts, String lastError, Instant updated) {
    public MessageFailure {
        Objects.requireNonNull(key, "key");
        JournalEntry.requireText(fingerprint, "fingerprint");
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(updated, "updated");
    }

    /** Which message: its folder (the state key of the folder's purpose), UIDVALIDITY and UID. */
    public record Key(String folder, long uidValidity, long uid) {
        public Key {
            Objects.requireNonNull(folder, "folder");
            if (uid < 1) throw new IllegalArgumentException("uid " + uid + " is not positive");
        }
    }
}
