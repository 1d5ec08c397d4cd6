package dev.begone.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One spamd for all the tests of a class ({@code @RegisterExtension static SpamdPerClass spamd = ...}): starting it
 * takes seconds, and the tests keep their own Bayes out of it. Skips the class where spamd is not installed.
 */
public final class SpamdPerClass implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private Spamd spamd;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("begone-spamd");
        spamd = Spamd.start(dir);
    }

    public int port() {
        if (spamd == null) throw new IllegalStateException("spamd is not running");
        return spamd.port();
    }

    /** What spamd's Bayes has learned: {spam, ham} (see {@link Spamd#learns()}). */
    public long[] learns() throws java.io.IOException, InterruptedException {
        if (spamd == null) throw new IllegalStateException("spamd is not running");
        return spamd.learns();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (spamd != null) spamd.close();
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }
}
