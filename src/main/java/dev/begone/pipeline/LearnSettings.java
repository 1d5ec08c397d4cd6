package dev.begone.pipeline;

import dev.begone.classify.Label;
import java.util.Objects;
import java.util.Set;

/**
 * How to learn from one training folder, and what then happens to the learnt messages. Built with
 * {@link #builder(String, Label)}, whose defaults learn every new message and leave it where it is.
 *
 * @param folder       the training folder
 * @param label        what its messages are
 * @param flagged      learn only flagged (true) or only unflagged (false) messages; null: all
 * @param after        what happens to a message once the classifier holds it
 * @param errors       where a message the classifier refuses goes once given up on; null: it stays
 * @param undecodable  where a message that is no mail message (no header) goes; null: it stays
 * @param scanFolders  folders a scan reads: a learnt message moved into one counts as scanned there, since the user
 *                     judged it already
 * @param expunge      expunge what {@link After.Delete} marked \Deleted
 * @param plainExpunge a server without UIDPLUS may get a plain EXPUNGE (see {@link ScanSettings#plainExpunge()})
 * @param partialRun   at most this many new messages per run; 0: all
 * @param dryRun       fetch and count, learn nothing, change nothing
 * @param batchSize    messages per FETCH
 */
public record LearnSettings(
        String folder,
        Label label,
        Boolean flagged,
        After after,
        String errors,
        String undecodable,
        Set<String> scanFolders,
        boolean expunge,
        boolean plainExpunge,
        int partialRun,
        boolean dryRun,
        int batchSize) {

    public LearnSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(after, "after");
        scanFolders = Set.copyOf(scanFolders);
        if (errors != null && errors.isBlank()) throw new IllegalArgumentException("errors is blank");
        if (undecodable != null && undecodable.isBlank()) throw new IllegalArgumentException("undecodable is blank");
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }

    /** What happens to a learnt message; the folder names and flags are the configuration's. */
    public sealed interface After {
        /** Left where it is; the state remembers it was learnt. */
        record Stay() implements After {}

        /** Moved to {@code folder}. */
        record Move(String folder) implements After {
            public Move {
                if (folder == null || folder.isBlank()) throw new IllegalArgumentException("folder is empty");
            }
        }

        /** Copied to {@code folder}, the original left as it is: how Gmail deletes into its Trash (the label goes). */
        record Copy(String folder) implements After {
            public Copy {
                if (folder == null || folder.isBlank()) throw new IllegalArgumentException("folder is empty");
            }
        }

        /** Marked \Deleted, and expunged when the settings say so. */
        record Delete() implements After {}

        /** These flags are added and the message stays. */
        record Flag(Set<String> flags) implements After {
            public Flag {
                flags = Set.copyOf(flags);
                if (flags.isEmpty()) throw new IllegalArgumentException("no flags");
            }
        }
    }

    public static Builder builder(String folder, Label label) {
        return new Builder(folder, label);
    }

    /** Collects the settings; {@link #build()} checks them. */
    public static final class Builder {
        private final String folder;
        private final Label label;
        private Boolean flagged;
        private After after = new After.Stay();
        private String errors;
        private String undecodable;
        private Set<String> scanFolders = Set.of();
        private boolean expunge;
        private boolean plainExpunge;
        private int partialRun;
        private boolean dryRun;
        private int batchSize = ScanSettings.DEFAULT_BATCH_SIZE;

        private Builder(String folder, Label label) {
            this.folder = folder;
            this.label = label;
        }

        /** @param only true: only flagged messages, false: only unflagged ones, null: all */
        public Builder flagged(Boolean only) {
            this.flagged = only;
            return this;
        }

        public Builder after(After then) {
            this.after = then;
            return this;
        }

        /** @param folder where refused messages go once given up on; null: they stay */
        public Builder errors(String folder) {
            this.errors = folder;
            return this;
        }

        /** @param folder where messages that are no mail message go; null: they stay */
        public Builder undecodable(String folder) {
            this.undecodable = folder;
            return this;
        }

        public Builder scanFolders(Set<String> folders) {
            this.scanFolders = folders;
            return this;
        }

        public Builder expunge(boolean on) {
            this.expunge = on;
            return this;
        }

        public Builder plainExpunge(boolean allowed) {
            this.plainExpunge = allowed;
            return this;
        }

        public Builder partialRun(int messages) {
            this.partialRun = messages;
            return this;
        }

        public Builder dryRun(boolean on) {
            this.dryRun = on;
            return this;
        }

        public Builder batchSize(int messages) {
            this.batchSize = messages;
            return this;
        }

        public LearnSettings build() {
            return new LearnSettings(folder, label, flagged, after, errors, undecodable, scanFolders, expunge, plainExpunge, partialRun, dryRun, batchSize);
        }
    }
}
