package dev.begone.rules;

/**
 * The caller's memory of duplicate keys (the state's job): asked by the duplicate stage, written only by the caller,
 * as each {@link DuplicateFollowUp} says, once the server confirmed the message's action.
 */
@FunctionalInterface
public interface DuplicateLog {
    /** For accounts without {@code duplicates:}, and callers with nothing remembered. */
    DuplicateLog EMPTY = (key, days) -> false;

    /** Whether a message with this key was remembered within the last {@code days} days. */
    boolean seenWithin(DuplicateKey key, int days);
}
