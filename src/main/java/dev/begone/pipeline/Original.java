package dev.begone.pipeline;

import dev.begone.imap.FetchedMessage;

/**
 * What the journal keeps of a message it acts on: its content fingerprint (SHA-256 of the raw bytes, which IMAP never
 * changes under a UID) and size, and its Message-ID as a search hint.
 */
record Original(long uid, String fingerprint, long size, String messageId) {
    static Original of(FetchedMessage m) {
        return new Original(m.uid(), MessageIds.digest(m.raw()), m.raw().length, MessageIds.messageId(m.raw()));
    }
}
