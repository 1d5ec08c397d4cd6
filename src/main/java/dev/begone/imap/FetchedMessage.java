package dev.begone.imap;

import java.time.Instant;
import java.util.Set;

/**
 * A message fetched whole.
 *
 * @param raw the bytes exactly as the server holds them
 * @param flags IMAP flags, system flags with their backslash ({@code \Seen}) and keywords as they are
 * @param size RFC822.SIZE as the server reports it
 */
public record FetchedMessage(long uid, byte[] raw, Set<String> flags, Instant internalDate, long size) {
    public FetchedMessage {
        if (uid < 1) throw new IllegalArgumentException("uid " + uid + " is not positive");
        if (raw == null) throw new IllegalArgumentException("raw is null");
        flags = Set.copyOf(flags);
    }
}
