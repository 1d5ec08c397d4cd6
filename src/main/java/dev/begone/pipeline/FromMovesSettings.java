package dev.begone.pipeline;

import java.util.Objects;
import java.util.Set;

/**
 * Learning from the user's own moves into and out of the spam folder.
 *
 * @param spamFolder  where begone files spam
 * @param notHam      a filed spam the user moved into one of these was not judged ham by that move: the trash (thrown
 *                    away), and the training folders and where training puts messages (training handles those)
 * @param scanFolders folders a scan reads: a spam the user moved back into one counts as scanned there (the user
 *                    judged it), so the scan does not file it again
 */
public record FromMovesSettings(String spamFolder, Set<String> notHam, Set<String> scanFolders) {
    public FromMovesSettings {
        Objects.requireNonNull(spamFolder, "spamFolder");
        notHam = Set.copyOf(notHam);
        scanFolders = Set.copyOf(scanFolders);
    }
}
