package dev.begone.config;

/**
 * How much one scan takes on.
 *
 * @param partialRun at most this many new messages per folder and run, newest first; 0: no limit
 * @param maxSize    larger messages are not scored (spam is rarely large)
 */
public record Limits(int partialRun, long maxSize) {
    /** isbg's defaults. */
    public static final Limits DEFAULT = new Limits(50, 120_000);

    public Limits {
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (maxSize < 1) throw new IllegalArgumentException("maxSize must be positive, was " + maxSize);
    }
}
