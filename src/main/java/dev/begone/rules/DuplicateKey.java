package dev.begone.rules;

import dev.begone.config.Filing.Duplicates;
import java.util.Objects;

/**
 * What makes two messages the same for {@code duplicates:}: the Message-ID ({@code <id>} as written), or the
 * normalised body's hash (see {@link MessageHeaders#bodyKey()}).
 */
public record DuplicateKey(Duplicates.By by, String value) {
    public DuplicateKey {
        Objects.requireNonNull(by, "by");
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("value is empty");
    }

    @Override
    public String toString() {
        return (by == Duplicates.By.MESSAGE_ID ? "message-id " : "body ") + value;
    }
}
