package dev.begone.state;

import java.util.Objects;

/**
 * The copy of a message the delivery rules remember under a duplicate key: where it is, and its fingerprint (SHA-256
 * of its bytes), which tells it from a later copy, and from itself seen again.
 *
 * @param folder      where the copy is
 * @param uidValidity the folder's UIDVALIDITY when {@code uid} was taken; 0 with {@code uid} 0
 * @param uid         its UID there; 0 when it was moved there, whose UID the journal has
 */
public record DuplicateCopy(String folder, long uidValidity, long uid, String fingerprint) {
    public DuplicateCopy {
        JournalEntry.requireText(folder, "folder");
        JournalEntry.requireText(fingerprint, "fingerprint");
        if (uid < 0 || uidValidity < 0) throw new IllegalArgumentException("negative UID or UIDVALIDITY");
    }

    /** A copy with the key it is remembered under. */
    public record Keyed(String kind, String key, DuplicateCopy copy) {
        public Keyed {
            JournalEntry.requireText(kind, "kind");
            JournalEntry.requireText(key, "key");
            Objects.requireNonNull(copy, "copy");
        }
    }
}
