package dev.begone.rules;

import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import dev.begone.config.Destination;
import dev.begone.config.Filing;
import java.util.List;
import java.util.Optional;

/**
 * After the classifier: 004_'s {@code sa_levels}. The verdict's score, on the classifier's own scale, goes to the
 * highest level it is strictly above (a score exactly at {@code above} is not above it). Levels go by the score
 * alone, whatever the verdict's outcome, since the user chose them on that scale; but an unsure verdict (the
 * classifier declines to judge) goes to the {@code unsure} folder, or else to its ham destination. Spam above no
 * level goes to the spam folder. Everything else is left to the ham destination.
 */
final class ScoreLevels implements Stage<Verdict> {
    private final List<Filing.Level> levels; // rising
    private final Optional<String> unsure;

    ScoreLevels(Filing.Levels config) {
        this.levels = config.levels();
        this.unsure = config.unsure();
    }

    /**
     * @throws DeleteThresholdTooLowException when a level that deletes for good starts at or below the classifier's
     *     own spam threshold, which would delete mail the classifier calls ham (checked on every verdict, as the
     *     threshold of some backends is known only from their answers)
     */
    @Override
    public Decision apply(Verdict v, Decision soFar) {
        for (Filing.Level l : levels) {
            if (l.target() instanceof Destination.Delete && l.above() <= v.threshold()) {
                throw new DeleteThresholdTooLowException(l.above(), v.threshold());
            }
        }
        Reason scored = new Reason.Scored(v.outcome(), v.score(), v.threshold());
        if (v.outcome() == Outcome.UNSURE) {
            return unsure.isPresent() ? soFar.decide(new Target.Folder(unsure.get()), scored) : soFar.because(scored);
        }
        for (int k = levels.size() - 1; k >= 0; k--) {
            Filing.Level l = levels.get(k);
            if (v.score() > l.above()) return soFar.decide(Target.of(l.target()), scored, new Reason.LevelReached(l));
        }
        return v.outcome() == Outcome.SPAM ? soFar.decide(Target.SPAM, scored) : soFar.because(scored);
    }
}
