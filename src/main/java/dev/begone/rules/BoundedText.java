package dev.begone.rules;

/**
 * A header value that a regular expression may read only so many times. A user's routing pattern such as
 * {@code (a+)+$} backtracks exponentially on a value it almost matches; {@link java.util.regex} has no time limit of
 * its own, and an account must never hang on one message. Every read of a character counts one step; when the
 * budget is spent the match ends with {@link Exhausted}.
 */
final class BoundedText implements CharSequence {
    /** Thrown out of the matcher when a pattern has read more than its budget. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false); // thrown in a hot path: no stack trace
        }
    }

    /**
     * Steps a match may take. A plain pattern with a leading {@code .*}, as 004_'s rules are written, reads a value
     * it does not match once from every start: n^2 steps (about 1.5 s for 10,000 characters), so the budget grows
     * with the square of the length, up to about 2 s of work. A catastrophic pattern spends it on a few dozen
     * characters, where the floor of 1,000,000 steps is about 10 ms.
     */
    static long budgetFor(int length) {
        return Math.max(1_000_000L, Math.min(200_000_000L, 2L * length * length));
    }

    private final String text;
    private final int offset;
    private final int length;
    private final long[] stepsLeft;

    BoundedText(String text) {
        this(text, 0, text.length(), new long[] {budgetFor(text.length())});
    }

    private BoundedText(String text, int offset, int length, long[] stepsLeft) {
        this.text = text;
        this.offset = offset;
        this.length = length;
        this.stepsLeft = stepsLeft;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--stepsLeft[0] < 0) throw new Exhausted();
        return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text, offset + start, end - start, stepsLeft); // one budget for the whole match
    }

    @Override
    public String toString() {
        return text.substring(offset, offset + length);
    }
}
