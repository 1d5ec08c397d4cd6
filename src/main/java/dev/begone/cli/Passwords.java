package dev.begone.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.imap.Secret;
import dev.begone.process.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Finds the IMAP password without ever putting it in a log: from a command, an environment variable, the
 * (discouraged) command-line value, a file, the saved file, or a prompt without echo.
 */
final class Passwords {
    /** How long a --password-command may take, its output included. */
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    /** Where a password may come from, in the order they are tried. */
    record Sources(String command, String envVar, String commandLineValue, Path file, Path savedFile, boolean interactive) {}

    private Passwords() {}

    static Secret resolve(Sources s, Map<String, String> env, String account) {
        if (s.command() != null) return fromCommand(s.command(), env, COMMAND_LIMIT);
        if (s.envVar() != null) {
            String v = env.get(s.envVar());
            if (v == null || v.isEmpty()) throw ExitException.badArguments("--password-env " + s.envVar() + ": variable is not set");
            return Secret.of(v);
        }
        if (s.commandLineValue() != null) return Secret.of(s.commandLineValue());
        if (s.file() != null) return fromFile(s.file(), "--passwdfilename");
        if (s.savedFile() != null && Files.isRegularFile(s.savedFile())) return fromFile(s.savedFile(), "saved password");
        if (!s.interactive()) {
            throw new ExitException(ExitCode.NO_TERMINAL, "a password is needed for " + account
                    + " but --noninteractive was given; use --password-command, --password-env or --passwdfilename");
        }
        Console console = System.console();
        if (console == null) {
            throw new ExitException(ExitCode.NO_TERMINAL, "a password is needed for " + account
                    + " but there is no terminal to ask on; use --password-command, --password-env or --passwdfilename");
        }
        char[] typed = console.readPassword("IMAP password for %s: ", account);
        if (typed == null) throw new ExitException(ExitCode.NO_TERMINAL, "no password was entered");
        return Secret.of(new String(typed));
    }

    /** Stores the password readable by its owner only, in plain text: the file's permissions are its only protection. */
    static void save(Secret password, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".pw", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, password.reveal() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The password in {@code file}: its first line, or, in a file isbg 2.3.1 saved, the "password" member of its JSON
     * object. {@code what} names the option in the error.
     */
    static Secret fromFile(Path file, String what) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String saved = isbgPassword(text);
            if (saved != null) return Secret.of(saved);
            String first = text.lines().findFirst().orElse("");
            if (first.isEmpty()) throw ExitException.badArguments(what + " file " + file + " is empty");
            return Secret.of(first);
        } catch (IOException e) {
            throw ExitException.badArguments(what + " file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** isbg's --savepw writes {"password": "..."}; anything else (a plain password starting with "{" too) is not one. */
    private static String isbgPassword(String text) {
        if (!text.stripLeading().startsWith("{")) return null;
        try {
            JsonNode password = new ObjectMapper().readTree(text).get("password");
            return password != null && password.isTextual() && !password.asText().isEmpty() ? password.asText() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * Runs the command with {@code /bin/sh} and takes the first line it prints. The limit covers the whole run,
     * output included: a command that printed its line and exited is done even when a child it left behind still
     * holds its output open, and that child is killed with the rest of the command's process tree.
     */
    static Secret fromCommand(String command, Map<String, String> env, Duration limit) {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // The command sees the environment begone was given (the same as the process's, except in tests).
        pb.environment().clear();
        pb.environment().putAll(env);
        ChildProcess child;
        try {
            child = ChildProcess.start(pb, Set.of());
        } catch (IOException e) {
            throw ExitException.badArguments("--password-command could not run: " + e.getMessage());
        }
        try (child) {
            FirstLine firstLine = FirstLine.readFrom(child.process().getInputStream());
            long deadline = System.nanoTime() + limit.toNanos();
            boolean exited = child.waitFor(limit);
            String line = exited ? firstLine.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))) : null;
            if (line == null) {
                throw ExitException.badArguments("--password-command did not finish within " + limit.toSeconds() + " s");
            }
            int status = child.process().exitValue();
            if (status != 0) throw ExitException.badArguments("--password-command exited with " + status);
            if (line.isEmpty()) throw ExitException.badArguments("--password-command printed no password");
            return Secret.of(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ExitException.badArguments("--password-command was interrupted");
        }
    }

    /** Reads a program's output on a thread of its own, so that waiting for it can have a deadline. */
    private static final class FirstLine {
        private static final int MAX_BYTES = 64 * 1024;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch lineOrEnd = new CountDownLatch(1);

        static FirstLine readFrom(InputStream in) {
            FirstLine f = new FirstLine();
            Thread.ofVirtual().name("password-command-output").start(() -> f.pump(in));
            return f;
        }

        private void pump(InputStream in) {
            try (in) {
                int b;
                while (bytes.size() < MAX_BYTES && (b = in.read()) >= 0) {
                    if (b == '\n') break;
                    synchronized (bytes) {
                        bytes.write(b);
                    }
                }
            } catch (IOException e) {
                // The pipe was closed because the command was killed; what was read is all there is.
            } finally {
                lineOrEnd.countDown();
            }
        }

        /** The first line (without CR LF), or null when none arrived within {@code timeout}. */
        String await(Duration timeout) throws InterruptedException {
            if (!lineOrEnd.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) return null;
            synchronized (bytes) {
                String s = bytes.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
        }
    }
}
