package dev.begone.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The folders an account's scan works on.
 *
 * @param scan  scanned for new mail, in this order
 * @param spam  where spam is filed; empty: the server's folder with the SPECIAL-USE attribute {@code \Junk}
 * @param trash where dropped mail goes; empty: the server's folder with the SPECIAL-USE attribute {@code \Trash}
 */
public record Folders(List<String> scan, Optional<String> spam, Optional<String> trash) {
    public Folders {
        scan = List.copyOf(scan);
        if (scan.isEmpty()) throw new IllegalArgumentException("scan is empty");
        Objects.requireNonNull(spam, "spam");
        Objects.requireNonNull(trash, "trash");
        if (spam.isPresent() && scan.contains(spam.get())) {
            throw new IllegalArgumentException("spam folder " + spam.get() + " is also scanned");
        }
    }
}
