package dev.begone.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.imap.Secret;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the IMAP password without ever putting it in a log: from a command, an environment variable, the
 * (discouraged) command-line value, a file, the saved file, or a prompt without echo.
 */
final class Passwords {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    /** Where a password may come from, in the order they are tried. */
    record Sources(String command, String envVar, String commandLineValue, Path file, Path savedFile, boolean interactive) {}

    private Passwords() {}

    static Secret resolve(Sources s, Map<String, String> env, String account) {
        if (s.command() != null) return fromCommand(s.command(), env);
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

    private static Secret fromCommand(String command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            // The command sees the environment begone was given (the same as the process's, except in tests).
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(64 * 1024);
            }
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw ExitException.badArguments("--password-command did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) throw ExitException.badArguments("--password-command exited with " + p.exitValue());
            String first = new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (first.isEmpty()) throw ExitException.badArguments("--password-command printed no password");
            return Secret.of(first);
        } catch (IOException e) {
            throw ExitException.badArguments("--password-command could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ExitException.badArguments("--password-command was interrupted");
        }
    }
}
