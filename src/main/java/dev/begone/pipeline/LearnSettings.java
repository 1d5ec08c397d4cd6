package dev.begone.pipeline;

import dev.begone.classify.Label;
import java.util.Objects;

/**
 * How to learn from one training folder.
 *
 * @param folder      the training folder (isbg's --learnspambox / --learnhambox)
 * @param label       what its messages are
 * @param flagged     learn only flagged (true) or only unflagged (false) messages; null: all
 * @param thenDelete  mark learned messages \Deleted (isbg's --learnthendestroy)
 * @param thenFlag    flag learned messages (isbg's --learnthenflag)
 * @param thenMoveTo  move learned messages here; null: leave them (isbg's --movehamto, for ham)
 * @param trashFolder with thenDelete and spam: copy to this trash instead (Gmail); null: \Deleted
 * @param expunge     expunge what was marked \Deleted
 * @param partialRun  at most this many new messages per run; 0: all
 * @param dryRun      fetch and count, learn nothing, change nothing
 */
public record LearnSettings(
        String folder,
        Label label,
        Boolean flagged,
        boolean thenDelete,
        boolean thenFlag,
        String thenMoveTo,
        String trashFolder,
        boolean expunge,
        int partialRun,
        boolean dryRun,
        int batchSize) {

    public LearnSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(label, "label");
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
}
