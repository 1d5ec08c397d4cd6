package dev.begone.state;

import dev.begone.imap.UidSet;
import java.util.Objects;

/**
 * What begone saw of an account's spam folder when it last looked for the user's own moves: messages at or above
 * {@code uidNext} arrived since, and those of {@code present} that are gone have left.
 */
public record SpamWatch(long uidValidity, long uidNext, UidSet present) {
    public SpamWatch {
        Objects.requireNonNull(present, "present");
        if (uidNext < 1) throw new IllegalArgumentException("uidNext " + uidNext + " is below 1");
    }
}
