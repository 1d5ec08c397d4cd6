package dev.begone.pipeline;

import java.util.Objects;
import java.util.Set;

/**
 * A whitelist folder: the sender of each message in it joins the account's allow-list, and the message goes back to
 * {@code returnTo}.
 *
 * @param scanFolders folders a scan reads: the message put back into one counts as scanned there (the user judged it)
 * @param partialRun  at most this many new messages per run; 0: all
 * @param batchSize   messages per FETCH
 */
public record AllowSenderSettings(String folder, String returnTo, Set<String> scanFolders, int partialRun, int batchSize) {
    public AllowSenderSettings {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(returnTo, "returnTo");
        scanFolders = Set.copyOf(scanFolders);
        if (folder.equals(returnTo)) throw new IllegalArgumentException("folder " + folder + " is where its messages return to");
        if (partialRun < 0) throw new IllegalArgumentException("partialRun must be 0 or more, was " + partialRun);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }

    public AllowSenderSettings(String folder, String returnTo, Set<String> scanFolders, int partialRun) {
        this(folder, returnTo, scanFolders, partialRun, ScanSettings.DEFAULT_BATCH_SIZE);
    }
}
