package dev.begone.classify;

import java.util.Objects;

/** A verdict together with the message as the classifier rewrote it (report headers or a report_safe wrapper). */
public record Processed(Verdict verdict, byte[] message) {
    public Processed {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
    }
}
