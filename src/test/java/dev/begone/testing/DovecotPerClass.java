package dev.begone.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Dovecot for all the tests of a class ({@code @RegisterExtension static DovecotPerClass dovecot = ...}), each test
 * refilling the folders it uses. Skips the class where Dovecot is not installed.
 */
public final class DovecotPerClass implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private Dovecot dovecot;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("begone-dovecot");
        dovecot = Dovecot.start(dir);
    }

    public Dovecot get() {
        if (dovecot == null) throw new IllegalStateException("Dovecot is not running");
        return dovecot;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (dovecot != null) dovecot.close();
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }
}
