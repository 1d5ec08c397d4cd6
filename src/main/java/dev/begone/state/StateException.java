package dev.begone.state;

import java.io.IOException;

/** The state database cannot be opened, read or written; the message names the file. */
public final class StateException extends IOException {
    private static final long serialVersionUID = 1L;

    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
