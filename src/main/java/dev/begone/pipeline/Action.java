package dev.begone.pipeline;

import dev.begone.imap.UidSet;
import java.util.Objects;

/**
 * One IMAP change to a set of messages of the open folder, as written to the journal before it is sent.
 *
 * @param target a folder name for COPY, APPEND and MOVE; space-separated flags for FLAG; unused for EXPUNGE
 */
record Action(Op op, UidSet uids, String target) {
    enum Op {
        /** Server-side copy; the originals stay. */
        COPY,
        /** Upload of the rewritten message (SpamAssassin report) with the original's flags and date. */
        APPEND,
        /** UID MOVE, or COPY + \Deleted + UID EXPUNGE of exactly these UIDs. */
        MOVE,
        /** Adds flags. */
        FLAG,
        /** UID EXPUNGE of exactly these UIDs; a plain EXPUNGE where the server lacks UIDPLUS. */
        EXPUNGE
    }

    Action {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(uids, "uids");
        if (uids.isEmpty()) throw new IllegalArgumentException("action " + op + " on no UIDs");
        if (op != Op.EXPUNGE && (target == null || target.isBlank())) {
            throw new IllegalArgumentException("action " + op + " needs a target");
        }
    }

    static Action copy(UidSet uids, String folder) {
        return new Action(Op.COPY, uids, folder);
    }

    static Action append(UidSet uids, String folder) {
        return new Action(Op.APPEND, uids, folder);
    }

    static Action move(UidSet uids, String folder) {
        return new Action(Op.MOVE, uids, folder);
    }

    static Action flag(UidSet uids, String flags) {
        return new Action(Op.FLAG, uids, flags);
    }

    static Action expunge(UidSet uids) {
        return new Action(Op.EXPUNGE, uids, null);
    }

    /** Whether the server is asked to create messages elsewhere: such actions are checked for copies after a crash. */
    boolean createsMessages() {
        return op == Op.COPY || op == Op.APPEND || op == Op.MOVE;
    }
}
