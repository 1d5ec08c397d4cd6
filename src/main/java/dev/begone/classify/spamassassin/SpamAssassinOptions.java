package dev.begone.classify.spamassassin;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run SpamAssassin's standalone programs.
 *
 * @param spamassassin  the scoring program, a path or a name looked up on PATH
 * @param saLearn       the learning program, a path or a name looked up on PATH
 * @param extraArgs     given to both programs before anything else, e.g. {@code --siteconfigpath=DIR}
 * @param environment   added to the programs' environment, e.g. {@code HOME} (where user_prefs live)
 * @param unsetEnvironment removed from the programs' environment, e.g. the variable holding the IMAP password
 * @param timeout       how long one run may take before it is killed
 * @param maxConcurrent at most this many programs running at once
 */
public record SpamAssassinOptions(String spamassassin, String saLearn, List<String> extraArgs,
                                  Map<String, String> environment, Set<String> unsetEnvironment, Duration timeout,
                                  int maxConcurrent) {
    public SpamAssassinOptions {
        Objects.requireNonNull(spamassassin, "spamassassin");
        Objects.requireNonNull(saLearn, "saLearn");
        if (spamassassin.isBlank()) throw new IllegalArgumentException("spamassassin program is empty");
        if (saLearn.isBlank()) throw new IllegalArgumentException("saLearn program is empty");
        extraArgs = List.copyOf(extraArgs);
        environment = Map.copyOf(environment);
        unsetEnvironment = Set.copyOf(unsetEnvironment);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
    }

    /** {@code spamassassin} and {@code sa-learn} from PATH, 2 minutes per message, 2 at a time. */
    public static SpamAssassinOptions defaults() {
        return new SpamAssassinOptions("spamassassin", "sa-learn", List.of(), Map.of(), Set.of(), Duration.ofMinutes(2), 2);
    }

    public SpamAssassinOptions withExtraArgs(List<String> args) {
        return new SpamAssassinOptions(spamassassin, saLearn, args, environment, unsetEnvironment, timeout, maxConcurrent);
    }

    public SpamAssassinOptions withEnvironment(Map<String, String> env) {
        return new SpamAssassinOptions(spamassassin, saLearn, extraArgs, env, unsetEnvironment, timeout, maxConcurrent);
    }

    public SpamAssassinOptions withoutEnvironment(Set<String> names) {
        return new SpamAssassinOptions(spamassassin, saLearn, extraArgs, environment, names, timeout, maxConcurrent);
    }

    public SpamAssassinOptions withPrograms(String scorer, String learner) {
        return new SpamAssassinOptions(scorer, learner, extraArgs, environment, unsetEnvironment, timeout, maxConcurrent);
    }

    public SpamAssassinOptions withTimeout(Duration t) {
        return new SpamAssassinOptions(spamassassin, saLearn, extraArgs, environment, unsetEnvironment, t, maxConcurrent);
    }

    public SpamAssassinOptions withMaxConcurrent(int n) {
        return new SpamAssassinOptions(spamassassin, saLearn, extraArgs, environment, unsetEnvironment, timeout, n);
    }
}
