package dev.begone.pipeline;

import dev.begone.config.Filing.Duplicates;
import dev.begone.rules.DuplicateKey;
import dev.begone.rules.DuplicateLog;
import dev.begone.state.DuplicateCopy;
import dev.begone.state.StateException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The duplicate keys one scan of a folder goes by: the copies the state remembers, and the messages of this scan
 * already met, in the order they were met. A copy is never a duplicate of itself: a message seen again (scanned in a
 * folder it was moved to, or after its folder was renumbered) is told by its fingerprint.
 */
final class DuplicateMemory {
    /** A message of this scan that owes the duplicate log its key; where it went is known once it was acted on. */
    static final class Met {
        final long uid;
        final String fingerprint;
        /** Where the message went, once acted on; null before, and when it was deleted for good. */
        DuplicateCopy place;
        boolean actedOn;

        Met(long uid, String fingerprint) {
            this.uid = uid;
            this.fingerprint = fingerprint;
        }
    }

    /** An earlier copy to move away ({@code keep: last}): met in this scan, or remembered by the state. */
    record Earlier(Met inScan, DuplicateCopy remembered) {}

    private final Session session;
    private final Map<DuplicateKey, Met> met = new HashMap<>();

    DuplicateMemory(Session session) {
        this.session = session;
    }

    /** The log as {@code fingerprint}'s message sees it: every copy but itself. */
    DuplicateLog logFor(String fingerprint) {
        return (key, days) -> {
            Met m = met.get(key);
            if (m != null) return !m.fingerprint.equals(fingerprint);
            return remembered(key, days).filter(c -> !c.fingerprint().equals(fingerprint)).isPresent();
        };
    }

    /** Notes that this scan met a message owing {@code key}; returns the one met before it under that key, if any. */
    DuplicateMemory.Met meet(DuplicateKey key, Met message) {
        return met.put(key, message);
    }

    /**
     * The copy that {@code keep: last} moves away when {@code fingerprint}'s message is kept: the one this scan met
     * before it ({@code before}), else the one the state remembers; null when there is none but itself.
     */
    Earlier earlier(DuplicateKey key, int withinDays, Met before, String fingerprint) {
        if (before != null) return new Earlier(before, null);
        return remembered(key, withinDays).filter(c -> !c.fingerprint().equals(fingerprint)).map(c -> new Earlier(null, c)).orElse(null);
    }

    private Optional<DuplicateCopy> remembered(DuplicateKey key, int days) {
        try {
            return session.state().duplicate(session.account(), kind(key), key.value(), Duration.ofDays(days));
        } catch (StateException e) {
            throw new UncheckedIOException(e); // DuplicateLog cannot throw; the scan unwraps it
        }
    }

    static String kind(DuplicateKey key) {
        return key.by() == Duplicates.By.MESSAGE_ID ? "message-id" : "body";
    }
}
