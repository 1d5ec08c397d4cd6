package dev.begone.eval;

import dev.begone.classify.Label;
import dev.begone.classify.Outcome;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an online evaluation measured. Percentages are 0..100. hm%/sm% are taken at the classifier's own
 * threshold, where UNSURE counts on the ham side (nothing is moved): an UNSURE spam is a missed spam, an UNSURE
 * ham is not an error.
 *
 * @param classifier       the classifier's name
 * @param order            the order the corpus was presented in
 * @param oneMinusRocaPercent ham/spam pairs ranked wrongly by logOdds, ties half
 * @param lamPercent       logistic average of hm% and sm%
 * @param smAtHm01Percent  spam misclassification at the threshold that misfiles 0.1% of ham
 * @param msgsPerSecond    messages scored and learned per second, end to end (reading included)
 * @param messages         each message in evaluation order, for plots
 */
public record EvaluationResult(
        String classifier,
        String order,
        int n,
        int spam,
        int ham,
        double oneMinusRocaPercent,
        double lamPercent,
        double smAtHm01Percent,
        double hmPercent,
        double smPercent,
        double msgsPerSecond,
        List<Scored> messages) {

    /** One message's label and the verdict it got before it was learned. */
    public record Scored(String name, Label label, double logOdds, Outcome outcome) {
        public Scored {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    public EvaluationResult {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(order, "order");
        messages = List.copyOf(messages);
    }

    /** The one-line summary {@code begone evaluate} prints last; percentages with 4 decimals, msgs/s whole. */
    public String summaryLine() {
        return String.format(Locale.ROOT,
                "evaluate: n=%d spam=%d ham=%d 1-ROCA%%=%.4f lam%%=%.4f sm%%@hm0.1%%=%.4f hm%%=%.4f sm%%=%.4f msgs/s=%.0f",
                n, spam, ham, oneMinusRocaPercent, lamPercent, smAtHm01Percent, hmPercent, smPercent, msgsPerSecond);
    }
}
