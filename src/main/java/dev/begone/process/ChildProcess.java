package dev.begone.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A program begone runs (a password command, spamassassin, sa-learn) that must end by a deadline, together with
 * everything it started.
 *
 * <p>The program runs in a session of its own (util-linux {@code setsid}) where available, so its whole process
 * group can be killed even after the program itself has exited and left a child behind (a shell's
 * {@code sleep 80 &}): such orphans no longer show up among the program's descendants. Without setsid, the
 * descendants found while the program still runs are killed.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Process process;
    private final boolean ownGroup;
    private final List<ProcessHandle> seen = new ArrayList<>();

    private ChildProcess(Process process, boolean ownGroup) {
        this.process = process;
        this.ownGroup = ownGroup;
    }

    /**
     * Starts {@code builder}'s command in a session of its own; the builder's redirects and environment apply.
     *
     * @param unset environment variables the program must not see (e.g. the one holding the IMAP password)
     */
    public static ChildProcess start(ProcessBuilder builder, Set<String> unset) throws IOException {
        unset.forEach(builder.environment()::remove);
        boolean ownGroup = Files.isExecutable(SETSID);
        if (ownGroup) {
            List<String> command = new ArrayList<>();
            // --wait: if setsid had to fork, it still exits with the program's status.
            command.add(SETSID.toString());
            command.add("--wait");
            // Found here, so that a missing program fails to start, as it would without setsid.
            command.add(locate(builder.command().get(0)));
            command.addAll(builder.command().subList(1, builder.command().size()));
            builder = builder.command(command);
        }
        return new ChildProcess(builder.start(), ownGroup);
    }

    /** The program's path: as given when it names a directory, else the first match on this process's PATH. */
    private static String locate(String program) throws IOException {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) throw new IOException(program + ": no such executable file");
            return program;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return candidate.toString();
        }
        throw new IOException(program + ": not found on PATH");
    }

    public Process process() {
        return process;
    }

    /** Waits until the program exits or {@code timeout} passes; true when it exited. */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Descendants are noted while the program runs, because once it exits its children are re-parented.
        while (true) {
            process.descendants().forEach(seen::add);
            long left = deadline - System.nanoTime();
            if (left <= 0) return !process.isAlive();
            if (process.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) return true;
        }
    }

    /** Kills the program and everything it started; returns once they are gone or after a few seconds. */
    public void killTree() throws InterruptedException {
        process.descendants().forEach(seen::add);
        if (ownGroup) killGroup(process.pid());
        seen.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends whatever the program left running (its own exit does not end a background child). */
    @Override
    public void close() throws InterruptedException {
        killTree();
    }

    private static void killGroup(long pgid) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) kill.destroyForcibly();
        } catch (IOException e) {
            // No kill(1): the descendants noted so far are still killed one by one by the caller.
        }
    }
}
