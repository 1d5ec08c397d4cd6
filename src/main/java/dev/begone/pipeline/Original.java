package dev.begone.pipeline;

import dev.begone.imap.FetchedMessage;
import dev.begone.state.JournalEntry;

/**
 * What the journal keeps of a message it acts on: its content fingerprint (SHA-256 of the raw bytes, which IMAP never
 * changes under a UID) and size, its Message-ID as a search hint, and what {@code begone log} shows of it (or null).
 */
record Original(long uid, String fingerprint, long size, String messageId, JournalEntry.Note note) {
    Original(long uid, String fingerprint, long size, String messageId) {
        this(uid, fingerprint, size, messageId, null);
    }

    static Original of(FetchedMessage m) {
        return new Original(m.uid(), MessageIds.digest(m.raw()), m.raw().length, MessageIds.messageId(m.raw()));
    }

    Original noting(JournalEntry.Note n) {
        return new Original(uid, fingerprint, size, messageId, n);
    }
}
