package dev.begone.daemon;

import dev.begone.imap.LoginFailedException;
import dev.begone.imap.MailStoreException;

/** Why a connection or a cycle failed, as far as retrying is concerned. */
public enum FailureKind {
    /** The server refused the login: only a changed password helps, so retries are slow and reported once. */
    LOGIN,
    /** The mail server went away or answered with an error. */
    MAIL_SERVER,
    /** Anything else: a classifier, the state database, a bug. */
    OTHER;

    /** The kind of the first cause in the chain that tells one. */
    public static FailureKind of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof LoginFailedException) return LOGIN;
            if (t instanceof MailStoreException) return MAIL_SERVER;
        }
        return OTHER;
    }
}
