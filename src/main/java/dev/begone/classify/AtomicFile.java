package dev.begone.classify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that a crash leaves either the old content or the new, never a torn file: what a learnt model
 * needs, since the journal records messages as learnt once the model is saved.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * Writes {@code content} to a temp file in the same directory, fsyncs it, renames it over {@code file} and
     * fsyncs the directory. The directory is created when missing.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer all = ByteBuffer.wrap(content);
                while (all.hasRemaining()) ch.write(all);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically in " + dir, e);
            }
            tmp = null;
            syncDirectory(dir);
        } finally {
            if (tmp != null) deleteAfterFailure(tmp);
        }
    }

    /** Makes the rename durable; some platforms cannot open a directory, and there the rename is all we can do. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows refuses to open directories; the rename itself is still atomic there.
        }
    }

    private static void deleteAfterFailure(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // the write already failed; its exception is the one the caller needs
        }
    }
}
