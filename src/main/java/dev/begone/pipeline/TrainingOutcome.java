package dev.begone.pipeline;

import java.util.Objects;

/**
 * One message of a training folder and what became of it, e.g. {@code learnt as spam, moved to learned_spam}.
 *
 * @param warning the user should hear of it even when not asking for a line per message (a message that is no mail)
 */
public record TrainingOutcome(String folder, long uid, Headline headline, String outcome, boolean warning) {
    public TrainingOutcome {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(headline, "headline");
        Objects.requireNonNull(outcome, "outcome");
    }
}
