package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** What begone prints about itself: help screens without warnings, failures in words a user understands. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CommandLineMessagesTest {
    @TempDir
    Path dir;

    /** Every command's path from the top, e.g. {@code []} for begone itself and {@code [isbg]}. */
    static Stream<List<String>> everyCommand() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(), false),
                List.of(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(path);
        for (var sub : cl.getSubcommands().entrySet()) {
            if (!sub.getValue().getCommandName().equals(sub.getKey())) continue; // an alias
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            collect(sub.getValue(), next, into);
        }
    }

    /**
     * picocli reports a help text it cannot format (an unescaped {@code %}) on System.err, not on the command's
     * writer, so the whole process's stderr is watched while the help is rendered.
     */
    @ParameterizedTest
    @MethodSource("everyCommand")
    void helpPrintsNoWarning(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add(command.contains("help") ? "isbg" : "--help");
        ByteArrayOutputStream processErr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        IsbgCli.Run run;
        System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
        try {
            run = new IsbgCli(dir).run(args);
        } finally {
            System.setErr(original);
        }
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err(), "begone " + String.join(" ", args));
        assertEquals("", processErr.toString(StandardCharsets.UTF_8), "begone " + String.join(" ", args));
        assertFalse(run.out().contains("WARN"), run.out());
        assertTrue(run.out().startsWith("Usage: "), run.out());
    }

    @Test
    void evaluateHelpShowsItsSummaryLineWithPercentSigns() {
        IsbgCli.Run run = new IsbgCli(dir).run("evaluate", "--help");
        String text = run.out().replaceAll("\\s+", ""); // picocli wraps the line anywhere
        assertTrue(text.contains("1-ROCA%=Xlam%=Xsm%@hm0.1%=Xhm%=Xsm%=Xmsgs/s=X"), run.out());
    }

    @Test
    void unknownHostIsCalledThat() {
        IsbgCli.Run run = new IsbgCli(dir).env("PW", "secret").run("isbg", "--imaphost", "nonexistent.invalid",
                "--imapuser", "alice", "--password-env", "PW", "--noninteractive");
        assertEquals(ExitCode.IMAP_ERROR.code(), run.exit(), run.toString());
        assertEquals("begone: cannot connect to nonexistent.invalid:993: unknown host nonexistent.invalid\n", run.err());
    }
}
