package dev.begone.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the delivery rules say about one message.
 *
 * <p>A <em>final</em> decision ({@code needsClassifier} false) is what to do: {@code target}, because of
 * {@code reasons}. A <em>pending</em> one comes back from the stages before the classifier when none of them decided:
 * the classifier must judge the message, and {@code target} is then where it goes if the verdict sends it nowhere
 * else (the ham destination: a routed folder, or {@link Target#KEEP}).
 *
 * @param reasons   every stage's contribution, in stage order: the rule that routed, the score, the level...
 * @param duplicate what the caller must tell its duplicate log once the action is confirmed, if anything
 */
public record Decision(Target target, List<Reason> reasons, boolean needsClassifier, Optional<DuplicateFollowUp> duplicate) {
    /** Before any stage: headed nowhere but where it is, nothing decided. */
    static final Decision UNDECIDED = new Decision(Target.KEEP, List.of(), true, Optional.empty());

    public Decision {
        Objects.requireNonNull(target, "target");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(duplicate, "duplicate");
        if (!needsClassifier && reasons.isEmpty()) throw new IllegalArgumentException("a final decision needs a reason");
    }

    /** The reasons in one line, for a log: {@code rule 1 '...' (alice.rules:3) matched From; ham, score 1.2 (threshold 5)}. */
    public String why() {
        return reasons.stream().map(Reason::toString).collect(Collectors.joining("; "));
    }

    /** Final: sent to {@code to} because of {@code why}. */
    Decision decide(Target to, Reason... why) {
        return new Decision(to, plus(why), false, duplicate);
    }

    /** Still pending, now headed for {@code to} should the classifier find nothing against it. */
    Decision route(Target to, Reason why) {
        return new Decision(to, plus(why), true, duplicate);
    }

    /** Unchanged but for one more reason. */
    Decision because(Reason why) {
        return new Decision(target, plus(why), needsClassifier, duplicate);
    }

    /** Final, to the target it was headed for. */
    Decision settle() {
        return new Decision(target, reasons, false, duplicate);
    }

    Decision owing(DuplicateFollowUp followUp) {
        return new Decision(target, reasons, needsClassifier, Optional.of(followUp));
    }

    private List<Reason> plus(Reason... more) {
        List<Reason> all = new ArrayList<>(reasons.size() + more.length);
        all.addAll(reasons);
        all.addAll(List.of(more));
        return all;
    }
}
