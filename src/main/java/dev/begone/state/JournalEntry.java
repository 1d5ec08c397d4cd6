package dev.begone.state;

import dev.begone.imap.UidSet;
import java.time.Instant;
import java.util.Objects;

/**
 * One IMAP action as the journal knows it: the intent is written before the command is sent, the step
 * advances as the server confirms, and the next run replays whatever is not {@link Step#DONE}.
 * Holds folder names, UIDs and message-ids only, never credentials.
 *
 * @param uidValidity the source folder's UIDVALIDITY, or 0 when the action has no source folder (append)
 * @param destination target folder of a move/copy/append, or null
 * @param destUidNext the destination's UIDNEXT seen before the action, or 0 if unknown; lets replay find copies
 * @param detail free text such as message-ids joined by newlines, or null
 * @param destUids UIDs the server reported for the copies (COPYUID), empty until {@link Step#COPIED}
 */
public record JournalEntry(
        long id,
        String account,
        String action,
        String folder,
        long uidValidity,
        UidSet uids,
        String destination,
        long destUidNext,
        String detail,
        Step step,
        UidSet destUids,
        Instant created) {

    public enum Step {
        /** Written before the IMAP command; the server may or may not have acted. */
        INTENT,
        /** The copy was confirmed; the source messages may still need deleting. */
        COPIED,
        /** Fully confirmed; kept for undo and audit until pruned. */
        DONE
    }

    public JournalEntry {
        requireText(account, "account");
        requireText(action, "action");
        Objects.requireNonNull(folder, "folder == null");
        Objects.requireNonNull(uids, "uids == null");
        Objects.requireNonNull(step, "step == null");
        Objects.requireNonNull(destUids, "destUids == null");
        Objects.requireNonNull(created, "created == null");
        if (uidValidity < 0) throw new IllegalArgumentException("uidValidity < 0: " + uidValidity);
        if (destUidNext < 0) throw new IllegalArgumentException("destUidNext < 0: " + destUidNext);
    }

    static void requireText(String value, String name) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isBlank()) throw new IllegalArgumentException(name + " is blank");
    }
}
