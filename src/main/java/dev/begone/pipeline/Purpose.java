package dev.begone.pipeline;

import java.util.Locale;

/**
 * Why messages of a folder are being handled. It names the journal entries and keeps the record of handled
 * UIDs of a folder scanned for spam apart from the record of the same folder used for training.
 */
enum Purpose {
    SCAN,
    LEARN_SPAM,
    LEARN_HAM;

    /** The key under which handled UIDs of {@code folder} are remembered in the state store. */
    String stateKey(String folder) {
        return this == SCAN ? folder : tag() + ":" + folder;
    }

    String journalAction(Action.Op op) {
        return tag() + " " + op.name().toLowerCase(Locale.ROOT);
    }

    static Purpose ofJournalAction(String action) {
        String tag = action.substring(0, action.indexOf(' '));
        for (Purpose p : values()) {
            if (p.tag().equals(tag)) return p;
        }
        throw new IllegalArgumentException("unknown journal action: " + action);
    }

    static Action.Op opOfJournalAction(String action) {
        return Action.Op.valueOf(action.substring(action.indexOf(' ') + 1).toUpperCase(Locale.ROOT));
    }

    private String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
