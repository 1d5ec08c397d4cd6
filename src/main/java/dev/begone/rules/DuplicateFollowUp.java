package dev.begone.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * What the caller owes the {@link DuplicateLog} once the server confirmed this message's own action: remember
 * {@code key} as this message (its folder and UID where it ended up); and first, when {@code earlierCopies} is
 * given ({@code keep: last}), move the copies remembered under {@code key} within the window there, so that only
 * this newest copy stays.
 */
public record DuplicateFollowUp(DuplicateKey key, Optional<Target> earlierCopies) {
    public DuplicateFollowUp {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(earlierCopies, "earlierCopies");
        if (earlierCopies.isPresent() && earlierCopies.get() instanceof Target.Keep) {
            throw new IllegalArgumentException("earlier copies are moved, never kept");
        }
    }
}
