package dev.begone.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One server for all the tests of a class ({@code @RegisterExtension static ServerPerClass<Dovecot> dovecot = new
 * ServerPerClass<>(Dovecot::start)}): starting one takes seconds, and each test fills what it uses. The starter skips
 * the class where the server is not installed.
 */
public class ServerPerClass<S extends ServerProcess> implements BeforeAllCallback, AfterAllCallback {
    /** Starts a server in a fresh directory. */
    @FunctionalInterface
    public interface Starter<S> {
        S start(Path dir) throws Exception;
    }

    private final Starter<S> starter;
    private Path dir;
    private S server;

    public ServerPerClass(Starter<S> starter) {
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("begone-server");
        server = starter.start(dir);
    }

    public S get() {
        if (server == null) throw new IllegalStateException("the server is not running");
        return server;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) server.close();
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }
}
