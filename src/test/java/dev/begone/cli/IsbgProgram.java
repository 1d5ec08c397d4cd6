package dev.begone.cli;

import dev.begone.testing.ServerProcess;
import dev.begone.testing.Spamd;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real isbg 2.3.1 (Debian's {@code isbg} package) as a user's shell runs it: a child process with its own HOME
 * (isbg keeps its lock, trackfiles and password under ~/.cache/isbg) and no terminal. isbg calls {@code spamc},
 * {@code spamassassin} and {@code sa-learn} by name, so a bin directory put first on PATH holds wrappers that aim
 * them at one test spamd and its site configuration; begone's standalone classifier runs through the same wrappers.
 */
final class IsbgProgram {
    private static final long TIMEOUT_SECONDS = 120;

    private final Path home;
    private final Path bin;

    /** A fresh HOME under {@code dir}, with SpamAssassin's programs aimed at {@code spamd}. */
    IsbgProgram(Path dir, Spamd spamd) throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        bin = Files.createDirectories(dir.resolve("bin"));
        wrap("spamc", "/usr/bin/spamc -d 127.0.0.1 -p " + spamd.port());
        String config = " --siteconfigpath=" + spamd.siteDir() + " --configpath=" + spamd.stockRules();
        wrap("spamassassin", "/usr/bin/spamassassin" + config);
        wrap("sa-learn", "/usr/bin/sa-learn" + config);
    }

    /** Fails in CI and skips elsewhere when isbg is not installed. */
    static void assumeInstalled() {
        ServerProcess.assumeInstalled("isbg", "isbg");
    }

    private void wrap(String name, String command) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexec " + command + " \"$@\"\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path home() {
        return home;
    }

    /** The environment isbg and the standalone SpamAssassin programs run with: this HOME, the wrappers first on PATH. */
    Map<String, String> environment() {
        return Map.of("HOME", home.toString(), "PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** Writes the password where isbg's {@code --passwdfilename} reads it (isbg 2.3.1 keeps a JSON object there). */
    Path passwordFile(String password) throws IOException {
        Path p = home.resolve("isbg-password.json");
        Files.writeString(p, "{\"password\": \"" + password + "\"}");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    IsbgCli.Run run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.findOnPath("isbg").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().putAll(environment());
        File out = File.createTempFile("isbg", ".out", home.toFile());
        File err = File.createTempFile("isbg", ".err", home.toFile());
        pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("isbg " + args + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        IsbgCli.Run run = new IsbgCli.Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
        Files.delete(out.toPath());
        Files.delete(err.toPath());
        return run;
    }
}
