package dev.begone.state;

import java.util.Locale;

/**
 * Why begone handled messages of a folder. It keeps the record of handled UIDs of a folder scanned for spam apart
 * from the record of the same folder used for training.
 */
public enum Purpose {
    SCAN,
    LEARN_SPAM,
    LEARN_HAM,
    /** A whitelist folder: the sender is allowed and the message goes back to where mail is read. */
    ALLOW_SENDER;

    /** The key under which handled UIDs of {@code folder} are remembered as scanned. */
    public String scannedKey(String folder) {
        return this == SCAN ? folder : name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + folder;
    }
}
