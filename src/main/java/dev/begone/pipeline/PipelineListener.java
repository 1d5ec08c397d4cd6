package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Verdict;
import dev.begone.imap.UidSet;

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
     * What became of one message of a training folder, once every action on it is confirmed: the one line the log
     * gives each message. A refused message also gets its {@link #skipped} line, which carries the attempts.
     */
    default void trainingOutcome(TrainingOutcome outcome) {}

    /**
     * A journaled action reached a step; crash tests halt the JVM at a named one. The names are stable:
     * <ul>
     *   <li>{@code "<op>.intent"} for each action of a plan, in plan order, once the whole plan is journaled (one
     *       transaction), before any command is sent;
     *   <li>{@code "<op>.sent"}: the server confirmed the command, nothing recorded yet ({@code append.sent} once per
     *       message, before its APPENDUID is journaled);
     *   <li>{@code "copy.copied"}, {@code "move.copied"}: the confirmed copy is journaled; without MOVE a move goes on
     *       with {@code "move.flagged"} (originals marked \Deleted) and {@code "move.expunged"};
     *   <li>{@code "<op>.done"}: completed, and its UIDs recorded as handled, in one transaction.
     * </ul>
     * Recovery reports {@code "recover-<op>.intent"} (re-journaled before copying again), {@code ".appended"},
     * {@code ".copied"}, {@code ".sent"} and {@code ".done"}.
     */
    default void step(String name) {}

    /**
     * The server lacks UIDPLUS and a plain EXPUNGE was not allowed, so these messages were left marked \Deleted
     * (recorded as handled all the same). The caller words the advice, since only it knows how to allow one.
     */
    default void leftMarkedDeleted(String folder, UidSet uids) {}

    /** Recovery completed this many actions an earlier run had left unfinished (only called when there were some). */
    default void recovered(int actions) {}

    /** Something the user should know that does not stop the run. */
    default void warning(String message) {}

    /** The raw message, for --verbose-mails. */
    default void message(String folder, long uid, byte[] raw) {}
}
