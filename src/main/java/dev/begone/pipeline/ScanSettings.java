package dev.begone.pipeline;

import java.util.Objects;
import java.util.Set;

/**
 * How to scan one folder for spam. Every folder name and threshold comes from here; the flow hard-codes none.
 *
 * @param folder        the folder to scan (isbg's --imapinbox)
 * @param spamFolder    where spam is filed; null: spam is not filed (only flagged or deleted)
 * @param maxSizeBytes  larger messages are not scanned (isbg's --maxsize)
 * @param partialRun    at most this many new messages per run, newest first; 0: all
 * @param withReport    file spam as rewritten by the classifier (SpamAssassin's report) instead of a server-side copy
 * @param spamFlags     flags added to spam left in the folder (e.g. \Flagged); may include \Deleted
 * @param deleteSpam    remove filed spam from the folder (isbg's --delete)
 * @param deleteAbove   spam scoring above this is deleted without being filed; null: never
 * @param trashFolder   when set, deleting means copying here (Gmail's Trash) instead of \Deleted
 * @param expunge       expunge what was marked \Deleted (isbg's --expunge)
 * @param dryRun        score everything, change nothing, record nothing
 * @param batchSize     messages per FETCH
 */
public record ScanSettings(
        String folder,
        String spamFolder,
        long maxSizeBytes,
        int partialRun,
        boolean withReport,
        Set<String> spamFlags,
        boolean deleteSpam,
        Double deleteAbove,
        String trashFolder,
        boolean expunge,
        boolean dryRun,
        int batchSize) {

    public ScanSettings {
        Objects.requireNonNull(folder, "folder");
        spamFlags = Set.copyOf(spamFlags);
        if (maxSizeBytes < 1) throw new IllegalArgumentException("maxSizeBytes must be at least 1, was " + maxSizeBytes);
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
}
