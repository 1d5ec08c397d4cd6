package dev.begone.imap;

import java.io.IOException;

/** The mail server refused, failed or went away; the message is meant for the user and never holds a secret. */
public class MailStoreException extends IOException {
    public MailStoreException(String message) {
        super(message);
    }

    public MailStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
