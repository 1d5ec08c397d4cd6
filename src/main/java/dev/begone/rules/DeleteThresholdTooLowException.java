package dev.begone.rules;

/**
 * The delete threshold is at or below the classifier's own spam threshold, so every spam verdict, false positives
 * included, would be deleted without a copy. Scales differ by classifier (0 to 100, SpamAssassin points...), so a
 * value that is sensible for one is destructive for another; this is a configuration error.
 */
public final class DeleteThresholdTooLowException extends IllegalArgumentException {
    private final double deleteAbove;
    private final double spamThreshold;

    public DeleteThresholdTooLowException(double deleteAbove, double spamThreshold) {
        super("delete threshold " + deleteAbove + " is at or below the classifier's spam threshold " + spamThreshold);
        this.deleteAbove = deleteAbove;
        this.spamThreshold = spamThreshold;
    }

    public double deleteAbove() {
        return deleteAbove;
    }

    public double spamThreshold() {
        return spamThreshold;
    }
}
