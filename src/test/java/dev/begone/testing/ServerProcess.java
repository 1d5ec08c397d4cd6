package dev.begone.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real server started as a child process on loopback, in its own temp directory, with its output in
 * files there. Subclasses write the configuration and say how to check readiness; this class owns the
 * port picking, start retries, bounded readiness polling and the stop (descendants included: Dovecot
 * sessions and rspamd workers outlive their master).
 */
public abstract class ServerProcess implements AutoCloseable {
    private static final int START_ATTEMPTS = 3;

    protected final Path dir;
    private Process process;
    private List<ProcessHandle> descendants = List.of();

    protected ServerProcess(Path dir) {
        this.dir = dir;
    }

    /** True when this run must not skip server tests (CI=true): a missing server is then a failure. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test, saying so plainly, when {@code program} is not installed, unless running in CI,
     * where it fails instead.
     */
    public static void assumeInstalled(String program, String debianPackage) {
        boolean found = findOnPath(program) != null;
        if (!found && required()) {
            throw new AssertionError(program + " is not installed (Debian package " + debianPackage
                    + "); CI=true forbids skipping. scripts/test installs it when run as root.");
        }
        Assumptions.assumeTrue(found, "SKIPPED: " + program + " not installed (apt-get install " + debianPackage + ")");
    }

    public static Path findOnPath(String program) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                Path p = Path.of(d, program);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Lets servers that drop root privileges reach {@code dir}: adds search permission for others on it and on
     * every ancestor inside the system temp directory (JUnit makes each @TempDir mode 0700).
     */
    protected static void makeTraversable(Path dir) throws IOException {
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(tmpRoot) && !p.equals(tmpRoot); p = p.getParent()) {
            var perms = java.util.EnumSet.copyOf(Files.getPosixFilePermissions(p));
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        }
    }

    /** Reserves {@code n} distinct free loopback ports (kept open together so they differ). */
    public static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
    }

    /** Writes config for fresh ports and returns the command line. Called again with new ports on retry. */
    protected abstract List<String> prepare() throws IOException;

    /** True once the server answers its protocol (not just TCP connect). */
    protected abstract boolean ready();

    protected Duration readyTimeout() {
        return Duration.ofSeconds(30);
    }

    protected final void start() throws IOException, InterruptedException {
        String last = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            List<String> command = prepare();
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .redirectError(dir.resolve("stderr.log").toFile());
            process = pb.start();
            long deadline = System.nanoTime() + readyTimeout().toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (ready()) {
                    return;
                }
                Thread.sleep(50);
            }
            last = "attempt " + attempt + ": " + (process.isAlive() ? "not ready within " + readyTimeout()
                    : "exited with " + process.exitValue()) + "\n" + logs();
            stopProcess();
        }
        throw new IOException(getClass().getSimpleName() + " did not start: " + last);
    }

    /** The server's own log files, for attaching to a failure. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                if (text.length() > 8000) text = "..." + text.substring(text.length() - 8000);
                sb.append("--- ").append(p.getFileName()).append('\n').append(text);
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    public Path dir() {
        return dir;
    }

    private void stopProcess() throws InterruptedException {
        if (process == null) return;
        descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle h : descendants) {
            if (h.isAlive()) h.destroy();
        }
        for (ProcessHandle h : descendants) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stopProcess();
    }
}
