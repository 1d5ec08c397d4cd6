package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Verdict;
import dev.begone.imap.UidSet;
import java.util.List;

/**
 * Observes a run without changing it (progress output, verbose logs, metrics, and crash tests that stop the JVM
 * at a named step). Every method has a no-op default so observers implement only what they need.
 */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() {};

    default void scored(String folder, long uid, Verdict verdict) {}

    /**
     * A scan of {@code folder} found {@code messages} new messages to judge; {@link #judged} follows batch by batch, its
     * counts adding up to this unless the scan stops early or fails, or messages leave the folder meanwhile. Called on
     * the scan's own thread.
     */
    default void scanning(String folder, long messages) {}

    /**
     * {@code messages} more of the new messages of {@code folder} were judged and acted on: each was filed, left where
     * it is, or skipped for now (a classifier failure). Called on the scan's own thread.
     */
    default void judged(String folder, long messages) {}

    /** A message that was not scored or learned, with the reason (too big, unreadable, ...). */
    default void skipped(String folder, long uid, String reason) {}

    default void learned(String folder, long uid, Label label, LearnResult result) {}

    /**
     * An action of a plan is complete: confirmed by the server and recorded, so it counts (metrics, logs).
     *
     * @param action  {@code move}, {@code copy}, {@code append}, {@code flag} or {@code expunge}, as in {@link #step}
     * @param target  the folder the messages went to, or null for {@code flag} and {@code expunge}
     */
    default void filed(String folder, String action, long messages, String target) {}

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

    /**
     * Time a scan spent in one stage, for the time split of {@code --timings}: on the scan's own thread {@code search}
     * (SEARCH and sizes), {@code fetch}, {@code classify} (waiting for the classifier pool) and {@code act} (the IMAP
     * commands acting on a batch, journal writes not included); and on the pool's threads {@code classifier} (scoring,
     * summed over the threads). Called from several threads at once.
     */
    default void spent(String stage, long nanos) {}

    /** Tells each of {@code listeners}, in order. */
    static PipelineListener all(List<PipelineListener> listeners) {
        List<PipelineListener> copy = List.copyOf(listeners);
        return new PipelineListener() {
            @Override
            public void scanning(String folder, long messages) {
                copy.forEach(l -> l.scanning(folder, messages));
            }

            @Override
            public void judged(String folder, long messages) {
                copy.forEach(l -> l.judged(folder, messages));
            }

            @Override
            public void scored(String folder, long uid, Verdict verdict) {
                copy.forEach(l -> l.scored(folder, uid, verdict));
            }

            @Override
            public void skipped(String folder, long uid, String reason) {
                copy.forEach(l -> l.skipped(folder, uid, reason));
            }

            @Override
            public void learned(String folder, long uid, Label label, LearnResult result) {
                copy.forEach(l -> l.learned(folder, uid, label, result));
            }

            @Override
            public void filed(String folder, String action, long messages, String target) {
                copy.forEach(l -> l.filed(folder, action, messages, target));
            }

            @Override
            public void trainingOutcome(TrainingOutcome outcome) {
                copy.forEach(l -> l.trainingOutcome(outcome));
            }

            @Override
            public void step(String name) {
                copy.forEach(l -> l.step(name));
            }

            @Override
            public void leftMarkedDeleted(String folder, UidSet uids) {
                copy.forEach(l -> l.leftMarkedDeleted(folder, uids));
            }

            @Override
            public void recovered(int actions) {
                copy.forEach(l -> l.recovered(actions));
            }

            @Override
            public void warning(String message) {
                copy.forEach(l -> l.warning(message));
            }

            @Override
            public void message(String folder, long uid, byte[] raw) {
                copy.forEach(l -> l.message(folder, uid, raw));
            }

            @Override
            public void spent(String stage, long nanos) {
                copy.forEach(l -> l.spent(stage, nanos));
            }
        };
    }
}
