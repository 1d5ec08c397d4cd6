package dev.begone.pipeline;

import dev.begone.config.Filing;
import java.util.Objects;
import java.util.Set;

/**
 * How to scan one folder for spam. Every folder name and flag comes from here; the flow hard-codes none. Built with
 * {@link #builder(String)}, whose defaults file nothing, change nothing but what is asked, and scan every new message.
 *
 * @param folder        the folder to scan
 * @param spamFolder    where spam is filed; null: spam is not filed (only flagged or deleted)
 * @param maxSizeBytes  larger messages are not scanned; {@link Long#MAX_VALUE}: any size
 * @param partialRun    at most this many new messages per run, newest first; 0: all
 * @param withReport    file spam as rewritten by the classifier (SpamAssassin's report) instead of a server-side copy
 * @param spamFlags     flags added to spam left in the folder (e.g. \Flagged); may include \Deleted
 * @param deleteSpam    remove filed spam from the folder
 * @param trashFolder   when set, deleting means copying here (Gmail's Trash) instead of \Deleted
 * @param expunge       expunge what was marked \Deleted; with {@code deleteSpam}, spam may be moved out
 * @param plainExpunge  a server without UIDPLUS may get a plain EXPUNGE, which also removes every other message
 *                      marked \Deleted in the folder; false: such messages are left marked, with a warning
 * @param dryRun        score everything, change nothing, record nothing
 * @param batchSize     messages of the first FETCH, and the fewest of any later one (those follow the classifier's pace)
 * @param filing        the delivery rules (routing, senders, duplicates, levels), with the senders the state's
 *                      allow-list holds; {@link Filing#NONE}: a verdict of spam files the message, as isbg does, and
 *                      nothing else moves
 * @param dropFolder    where the rules' DROP and {@code action: drop} send mail; null: no rule may drop
 * @param sparesTakenBack a message begone filed into {@code spamFolder} and the user took back out is left where it
 *                      is, not scored again (learning from the user's moves teaches it as ham)
 */
public record ScanSettings(
        String folder,
        String spamFolder,
        long maxSizeBytes,
        int partialRun,
        boolean withReport,
        Set<String> spamFlags,
        boolean deleteSpam,
        String trashFolder,
        boolean expunge,
        boolean plainExpunge,
        boolean dryRun,
        int batchSize,
        Filing filing,
        String dropFolder,
        boolean sparesTakenBack) {

    public static final int DEFAULT_BATCH_SIZE = 50;

    public ScanSettings {
        Objects.requireNonNull(folder, "folder");
        spamFlags = Set.copyOf(spamFlags);
        if (maxSizeBytes < 1) throw new IllegalArgumentException("maxSizeBytes must be at least 1, was " + maxSizeBytes);
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        Objects.requireNonNull(filing, "filing");
        // A report is uploaded for spam the classifier judged; the rules also file mail it never saw.
        if (withReport && !filing.equals(Filing.NONE)) throw new IllegalArgumentException("withReport with delivery rules");
        if (sparesTakenBack && spamFolder == null) throw new IllegalArgumentException("sparesTakenBack without a spamFolder");
    }

    public static Builder builder(String folder) {
        return new Builder(folder);
    }

    /** Collects the settings; {@link #build()} checks them. */
    public static final class Builder {
        private final String folder;
        private String spamFolder;
        private long maxSizeBytes = Long.MAX_VALUE;
        private int partialRun;
        private boolean withReport;
        private Set<String> spamFlags = Set.of();
        private boolean deleteSpam;
        private String trashFolder;
        private boolean expunge;
        private boolean plainExpunge;
        private boolean dryRun;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Filing filing = Filing.NONE;
        private String dropFolder;
        private boolean sparesTakenBack;

        private Builder(String folder) {
            this.folder = folder;
        }

        public Builder spamFolder(String name) {
            this.spamFolder = name;
            return this;
        }

        public Builder maxSizeBytes(long bytes) {
            this.maxSizeBytes = bytes;
            return this;
        }

        public Builder partialRun(int messages) {
            this.partialRun = messages;
            return this;
        }

        public Builder withReport(boolean on) {
            this.withReport = on;
            return this;
        }

        public Builder spamFlags(Set<String> flags) {
            this.spamFlags = flags;
            return this;
        }

        public Builder deleteSpam(boolean on) {
            this.deleteSpam = on;
            return this;
        }

        public Builder trashFolder(String name) {
            this.trashFolder = name;
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

        public Builder dryRun(boolean on) {
            this.dryRun = on;
            return this;
        }

        public Builder batchSize(int messages) {
            this.batchSize = messages;
            return this;
        }

        public Builder filing(Filing rules) {
            this.filing = rules;
            return this;
        }

        public Builder dropFolder(String name) {
            this.dropFolder = name;
            return this;
        }

        public Builder sparesTakenBack(boolean spares) {
            this.sparesTakenBack = spares;
            return this;
        }

        public ScanSettings build() {
            return new ScanSettings(folder, spamFolder, maxSizeBytes, partialRun, withReport, spamFlags, deleteSpam,
                    trashFolder, expunge, plainExpunge, dryRun, batchSize, filing, dropFolder, sparesTakenBack);
        }
    }
}
