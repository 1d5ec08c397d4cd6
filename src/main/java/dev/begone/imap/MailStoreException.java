package dev.begone.imap;

import java.io.IOException;

/** The mail server refused, failed or went away; the message is meant for the user and never holds a secret. */
public class MailStoreException extends IOException {
    private final boolean refused;

    public MailStoreException(String message) {
        this(message, null, false);
    }

    public MailStoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public MailStoreException(String message, Throwable cause, boolean refused) {
        super(message, cause);
        this.refused = refused;
    }

    /**
     * The server answered NO or BAD, or the folder does not exist: the connection is fine, and the same command
     * fails again until someone changes the mailbox (a renamed folder, a full quota, a read-only folder).
     */
    public boolean refused() {
        return refused;
    }
}
