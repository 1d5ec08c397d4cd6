package dev.begone.imap;

import java.util.Objects;

/** A password or token that never shows itself in {@link #toString()}, so it cannot leak into a log by accident. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        return new Secret(value);
    }

    /** The secret itself; call only where it is sent to the server. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
