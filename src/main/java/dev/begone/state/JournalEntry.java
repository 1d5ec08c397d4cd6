package dev.begone.state;

import dev.begone.imap.UidSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One IMAP action as the journal knows it: the intent is written before the command is sent, the step advances as
 * the server confirms, and the next run replays whatever is {@link Step#pending()}. Holds folder names, UIDs,
 * fingerprints and Message-IDs only, never credentials.
 *
 * @param plan              the entries written together in one transaction share it; recovery stops a plan at its
 *                          first failure, so a later entry (an expunge) never runs without an earlier one (the copy)
 * @param source            the folder whose messages the action handles
 * @param uids              the source UIDs
 * @param target            target folder of a copy, append or move; null otherwise
 * @param flags             the flags a FLAG action adds; empty otherwise
 * @param targetUidValidity the target's UIDVALIDITY taken before the action; 0 when unknown
 * @param targetUidNext     the target's UIDNEXT taken before the action; 0 when unknown (copies cannot be found then)
 * @param messages          one per source UID, in UID order; empty for entries migrated from schema 1
 * @param reason            why the action was taken (rule, score, level), or null
 * @param attempts          failed attempts to complete the entry after the run that wrote it
 * @param lastError         the error of the last failed attempt, or null
 */
public record JournalEntry(
        long id,
        String account,
        long plan,
        Purpose purpose,
        ActionKind kind,
        String source,
        long sourceUidValidity,
        UidSet uids,
        String target,
        Set<String> flags,
        long targetUidValidity,
        long targetUidNext,
        List<Message> messages,
        String reason,
        Step step,
        Instant created,
        int attempts,
        String lastError) {

    public enum Step {
        /** Written before the IMAP command; the server may or may not have acted. */
        INTENT,
        /** The copy was confirmed; the source messages may still need deleting. */
        COPIED,
        /** Fully confirmed; kept for undo and audit until pruned, and to recognise a message filed before. */
        DONE,
        /** Given up after failing for too long; nothing was expunged for it. Kept, never replayed. */
        ABANDONED;

        public boolean pending() {
            return this == INTENT || this == COPIED;
        }
    }

    /**
     * One message of an action.
     *
     * @param fingerprint     SHA-256 (hex) of the source message's raw bytes
     * @param size            the source message's size in bytes
     * @param messageId       its Message-ID, a search hint only (never an identity), or null
     * @param copyFingerprint SHA-256 of what the action puts in the target (the uploaded bytes of an APPEND, the
     *                        original's for a server-side copy); null for actions that create nothing
     * @param destUid         the copy's UID from COPYUID or APPENDUID, once the server confirmed it; 0 unknown
     * @param note            what a person reads of the message and of why it was acted on, or null
     */
    public record Message(long uid, String fingerprint, long size, String messageId, String copyFingerprint, long destUid,
            Note note) {
        public Message(long uid, String fingerprint, long size, String messageId, String copyFingerprint, long destUid) {
            this(uid, fingerprint, size, messageId, copyFingerprint, destUid, null);
        }

        public Message {
            if (uid < 1) throw new IllegalArgumentException("uid " + uid + " is not positive");
            requireFingerprint(fingerprint, "fingerprint");
            if (copyFingerprint != null) requireFingerprint(copyFingerprint, "copyFingerprint");
            if (size < 0) throw new IllegalArgumentException("size < 0: " + size);
            if (destUid < 0) throw new IllegalArgumentException("destUid < 0: " + destUid);
        }

        public Message withDestUid(long uid) {
            return new Message(this.uid, fingerprint, size, messageId, copyFingerprint, uid, note);
        }
    }

    /**
     * A message as {@code begone log} shows it, and why begone acted on it.
     *
     * @param sender  its From, decoded; null when it has none
     * @param subject its Subject, decoded; null when it has none
     * @param reason  the rule, score, level or duplicate key that decided, as a line of text; null when unknown
     */
    public record Note(String sender, String subject, String reason) {}

    public JournalEntry {
        requireText(account, "account");
        Objects.requireNonNull(purpose, "purpose == null");
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(source, "source == null");
        Objects.requireNonNull(uids, "uids == null");
        Objects.requireNonNull(step, "step == null");
        Objects.requireNonNull(created, "created == null");
        flags = Set.copyOf(flags);
        messages = List.copyOf(messages);
        if (kind.createsMessages()) requireText(target, "target of " + kind);
        else if (target != null) throw new IllegalArgumentException(kind + " has no target, was " + target);
        if (kind == ActionKind.FLAG && flags.isEmpty()) throw new IllegalArgumentException("FLAG with no flags");
        if (uids.isEmpty()) throw new IllegalArgumentException(kind + " of no UIDs");
        if (sourceUidValidity < 0) throw new IllegalArgumentException("sourceUidValidity < 0: " + sourceUidValidity);
        if (targetUidValidity < 0) throw new IllegalArgumentException("targetUidValidity < 0: " + targetUidValidity);
        if (targetUidNext < 0) throw new IllegalArgumentException("targetUidNext < 0: " + targetUidNext);
        for (Message m : messages) {
            if (!uids.contains(m.uid())) throw new IllegalArgumentException("message UID " + m.uid() + " is not in " + uids);
        }
        if (attempts < 0) throw new IllegalArgumentException("attempts < 0: " + attempts);
    }

    /**
     * A new entry, as the pipeline plans it.
     *
     * @param targetUidValidity 0 when the action has no target
     * @param targetUidNext     0 when the action has no target
     */
    public static JournalEntry intent(String account, Purpose purpose, ActionKind kind, String source,
            long sourceUidValidity, UidSet uids, String target, Set<String> flags, long targetUidValidity,
            long targetUidNext, List<Message> messages, String reason) {
        return new JournalEntry(0, account, 0, purpose, kind, source, sourceUidValidity, uids, target, flags,
                targetUidValidity, targetUidNext, messages, reason, Step.INTENT, Instant.EPOCH, 0, null);
    }

    static void requireText(String value, String name) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isBlank()) throw new IllegalArgumentException(name + " is blank");
    }

    private static void requireFingerprint(String value, String name) {
        Objects.requireNonNull(value, name + " == null");
        if (value.length() != 64 || !value.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException(name + " is not a SHA-256 in hex: " + value);
        }
    }
}
