package dev.begone.state;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** State, locks and saved passwords are readable by their owner only: dirs 0700, files 0600 when created. */
final class PrivateFiles {
    private PrivateFiles() {}

    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Files.createDirectories(dir, attributes(dir, "rwx------"));
    }

    /** Creates {@code file} as 0600 unless it already exists; existing files keep their mode. */
    static void createFile(Path file) throws IOException {
        if (Files.exists(file)) return;
        try {
            Files.createFile(file, attributes(file, "rw-------"));
        } catch (FileAlreadyExistsException raced) {
            // Another process created it between the check and here; it is just as good.
        }
    }

    static FileAttribute<?>[] attributes(Path path, String mode) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) return new FileAttribute<?>[0];
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))};
    }
}
