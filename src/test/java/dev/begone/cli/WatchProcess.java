package dev.begone.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@code begone watch} in a JVM of its own, so that a test can send it SIGTERM as a service manager would. Its
 * stderr (the log) is collected line by line; waits on it are bounded.
 */
final class WatchProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean logEnded;

    /**
     * Reads the log from the file stderr goes to: a pipe read while the process exits can lose its last lines (the
     * JDK closes it under a blocked reader), and the last lines are the ones that tell how it stopped.
     */
    private WatchProcess(Process process, Path log) {
        this.process = process;
        Thread.ofPlatform().daemon().name("watch-log").start(() -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(log))) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                while (true) {
                    int b = in.read();
                    if (b == '\n') {
                        add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else if (b >= 0) {
                        line.write(b);
                    } else if (process.isAlive()) {
                        waitForMore(process);
                    } else {
                        if (line.size() > 0) add(line.toString(StandardCharsets.UTF_8));
                        break;
                    }
                }
            } catch (IOException e) {
                add("(log unreadable: " + e + ")");
            }
            synchronized (this) {
                logEnded = true;
                notifyAll();
            }
        });
    }

    /** At the end of what was written so far: a little more time for the process to write or to end. */
    private static void waitForMore(Process process) {
        try {
            process.onExit().get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            // Read again.
        } catch (InterruptedException | ExecutionException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts {@code begone watch args}; {@code jvmOptions} e.g. a system property for the journal step log. */
    static WatchProcess start(Map<String, String> env, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        java.addAll(jvmOptions);
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return launch(java, env, args);
    }

    /**
     * Starts {@code begone watch args} as a user does, through the {@code begone} launcher with its JVM options for
     * {@code watch}; {@code env} may add some in {@code BEGONE_JAVA_OPTS}. The launcher ends in exec: the process is
     * the JVM's.
     */
    static WatchProcess startLauncher(Path launcher, Map<String, String> env, List<String> args) throws IOException {
        return launch(List.of(launcher.toString()), env, args);
    }

    private static WatchProcess launch(List<String> program, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(program);
        command.add("watch");
        command.addAll(args);
        Path log = Files.createTempFile("begone-watch", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile());
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.environment().putAll(env);
        return new WatchProcess(pb.start(), log);
    }

    private synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until the log so far satisfies {@code condition}, at most {@code max}. */
    synchronized void awaitLog(String what, Predicate<List<String>> condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.test(lines)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || logEnded) {
                throw new AssertionError(what + " expected within " + max + (logEnded ? " (begone exited)" : "")
                        + "; the log:\n" + String.join("\n", lines));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits until {@code count} lines match, at most {@code max}; returns them. */
    synchronized List<String> awaitLines(Predicate<String> match, int count, Duration max) throws InterruptedException {
        awaitLog(count + " matching line(s)", all -> all.stream().filter(match).count() >= count, max);
        return lines.stream().filter(match).toList();
    }

    String awaitLine(Predicate<String> match, Duration max) throws InterruptedException {
        return awaitLines(match, 1, max).get(0);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, as systemd stops a service. */
    void terminate() {
        process.destroy();
    }

    /** The exit code, once it exited; fails if it has not within {@code max}. */
    int awaitExit(Duration max) throws InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("begone watch still running " + max + " after SIGTERM; the log:\n" + String.join("\n", lines()));
        }
        awaitLog("the end of the log", all -> logEnded, Duration.ofSeconds(10));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
