package dev.begone.classify;

import java.io.IOException;

/** The classifier could not be reached or gave an answer that cannot be used. Maps to exit code 12. */
public class ClassifierException extends IOException {
    public ClassifierException(String message) {
        super(message);
    }

    public ClassifierException(String message, Throwable cause) {
        super(message, cause);
    }
}
