package dev.begone.classify;

import java.util.List;
import java.util.Objects;

/**
 * A classifier's judgement of one message.
 *
 * @param outcome   spam, ham, or unsure (no action)
 * @param score     the backend's own score (SpamAssassin points, Rspamd score, builtin probability x 100)
 * @param threshold the backend's own spam threshold on the same scale as {@code score}
 * @param logOdds   log(P(spam)/P(ham)) or the backend's best equivalent; what fusion combines and ROC ranks
 * @param reasons   named rules or symbols that fired, in the backend's order
 */
public record Verdict(Outcome outcome, double score, double threshold, double logOdds, List<String> reasons) {
    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        if (Double.isNaN(score)) throw new IllegalArgumentException("score is NaN");
        if (Double.isNaN(logOdds)) throw new IllegalArgumentException("logOdds is NaN");
        reasons = List.copyOf(reasons);
    }

    public boolean isSpam() {
        return outcome == Outcome.SPAM;
    }
}
