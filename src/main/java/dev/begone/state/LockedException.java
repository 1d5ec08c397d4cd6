package dev.begone.state;

import java.io.IOException;

/** Another run holds the account's lock file. The message names the file, the holder's pid and its start time. */
public final class LockedException extends IOException {
    private static final long serialVersionUID = 1L;

    public LockedException(String message) {
        super(message);
    }
}
