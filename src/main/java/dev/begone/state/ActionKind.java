package dev.begone.state;

/** What a journaled IMAP action does to the messages of its source folder. */
public enum ActionKind {
    /** Server-side copy to the target; the originals stay. */
    COPY,
    /** Upload of a rewritten message (SpamAssassin report) to the target, with the original's flags and date. */
    APPEND,
    /** UID MOVE to the target, or COPY + \Deleted + UID EXPUNGE of exactly these UIDs. */
    MOVE,
    /** Adds flags. */
    FLAG,
    /** UID EXPUNGE of exactly these UIDs; a plain EXPUNGE where the server lacks UIDPLUS and the user allowed it. */
    EXPUNGE;

    /** Whether the action creates messages in a target folder, which recovery must then find before acting again. */
    public boolean createsMessages() {
        return this == COPY || this == APPEND || this == MOVE;
    }
}
