package dev.begone.rules;

import dev.begone.classify.Verdict;

/**
 * What to do with a scored message, isbg-style: spam is filed, very high-scoring spam may be deleted outright,
 * and an unsure verdict leaves the message alone. Thresholds come from the caller's configuration.
 *
 * @param deleteAbove spam whose score is strictly above this is deleted instead of filed; null: never
 */
public record SpamPolicy(Double deleteAbove) {
    public SpamPolicy {
        if (deleteAbove != null && deleteAbove.isNaN()) throw new IllegalArgumentException("deleteAbove is NaN");
    }

    /**
     * @throws DeleteThresholdTooLowException when the verdict shows that the delete threshold is at or below the
     *     classifier's own spam threshold (checked on every verdict: some backends tell theirs only when they answer)
     */
    public Disposition dispose(Verdict verdict) {
        if (deleteAbove != null && deleteAbove <= verdict.threshold()) {
            throw new DeleteThresholdTooLowException(deleteAbove, verdict.threshold());
        }
        return switch (verdict.outcome()) {
            case HAM -> Disposition.HAM;
            case UNSURE -> Disposition.UNSURE;
            case SPAM -> deleteAbove != null && verdict.score() > deleteAbove ? Disposition.DELETE_SPAM : Disposition.FILE_SPAM;
        };
    }
}
