package dev.begone.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs begone's command line the way a user's shell would, in this JVM or in a child JVM, and keeps what it printed. */
final class IsbgCli {
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();

    IsbgCli(Path home) {
        env.put("HOME", home.toString());
        env.put("XDG_STATE_HOME", home.resolve("state").toString());
    }

    IsbgCli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Map<String, String> env() {
        return env;
    }

    Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Run(exit, out.toString(), err.toString());
    }

    Run run(String... args) {
        return run(List.of(args));
    }

    /** Runs in a separate JVM, e.g. one told to halt at a step, as kill -9 would stop it. */
    Run runInChildJvm(List<String> jvmOptions, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        File outFile = File.createTempFile("begone-child", ".out");
        File errFile = File.createTempFile("begone-child", ".err");
        pb.redirectOutput(outFile).redirectError(errFile).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("child begone did not finish within 120 s");
        }
        Run run = new Run(p.exitValue(), java.nio.file.Files.readString(outFile.toPath()), java.nio.file.Files.readString(errFile.toPath()));
        outFile.delete();
        errFile.delete();
        return run;
    }
}
