package dev.begone.pipeline;

import dev.begone.imap.UidSet;
import dev.begone.state.ActionKind;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One IMAP change to a set of messages of the open folder, as written to the journal before it is sent.
 *
 * @param target a folder name for COPY, APPEND and MOVE; null otherwise
 * @param flags  the flags a FLAG adds; empty otherwise
 */
record Action(ActionKind kind, UidSet uids, String target, Set<String> flags) {
    Action {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(uids, "uids");
        flags = Set.copyOf(flags);
        if (uids.isEmpty()) throw new IllegalArgumentException("action " + kind + " on no UIDs");
        if (kind.createsMessages() != (target != null && !target.isBlank())) {
            throw new IllegalArgumentException("action " + kind + (kind.createsMessages() ? " needs" : " takes no") + " target folder");
        }
        if ((kind == ActionKind.FLAG) == flags.isEmpty()) {
            throw new IllegalArgumentException("action " + kind + (kind == ActionKind.FLAG ? " needs" : " takes no") + " flags");
        }
    }

    static Action copy(UidSet uids, String folder) {
        return new Action(ActionKind.COPY, uids, folder, Set.of());
    }

    static Action append(UidSet uids, String folder) {
        return new Action(ActionKind.APPEND, uids, folder, Set.of());
    }

    static Action move(UidSet uids, String folder) {
        return new Action(ActionKind.MOVE, uids, folder, Set.of());
    }

    static Action flag(UidSet uids, Set<String> flags) {
        return new Action(ActionKind.FLAG, uids, null, flags);
    }

    static Action expunge(UidSet uids) {
        return new Action(ActionKind.EXPUNGE, uids, null, Set.of());
    }

    Action withUids(UidSet other) {
        return new Action(kind, other, target, flags);
    }

    /** The name of a journal step of this action, as {@link PipelineListener#step} reports it. */
    String step(String step) {
        return verb() + "." + step;
    }

    /** {@code move}, {@code copy}...: how listeners name the kind. */
    String verb() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
