package dev.begone.classify;

import java.io.IOException;

/**
 * The classifier could not be reached, is misconfigured, or gave an answer that cannot be used: the run stops with
 * exit code 12. A failure tied to one message is the subclass {@link MessageRejectedException}.
 */
public class ClassifierException extends IOException {
    public ClassifierException(String message) {
        super(message);
    }

    public ClassifierException(String message, Throwable cause) {
        super(message, cause);
    }
}
