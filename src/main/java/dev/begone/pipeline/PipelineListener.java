package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Verdict;

/**
 * Observes a run without changing it (progress output, verbose logs, metrics, and crash tests that stop the JVM
 * at a named step). Every method has a no-op default so observers implement only what they need.
 */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {};

    default void scored(String folder, long uid, Verdict verdict) {}

    /** A message that was not scored or learned, with the reason (too big, unreadable, ...). */
    default void skipped(String folder, long uid, String reason) {}

    default void learned(String folder, long uid, Label label, LearnResult result) {}

    /**
     * A journaled action reached a step: {@code "<op>.intent"}, {@code "<op>.sent"} (the server confirmed the
     * command, nothing recorded yet), {@code "<op>.copied"}, {@code "<op>.done"}.
     */
    default void step(String name) {}

    /** Something the user should know that does not stop the run. */
    default void warning(String message) {}

    /** The raw message, for --verbose-mails. */
    default void message(String folder, long uid, byte[] raw) {}
}
