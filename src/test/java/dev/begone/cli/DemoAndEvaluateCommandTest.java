package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.TestMail;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The two commands a new user runs first: the demo, and an evaluation of the built-in classifier. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DemoAndEvaluateCommandTest {
    private static final String SUMMARY = "evaluate: n=\\d+ spam=\\d+ ham=\\d+ 1-ROCA%=[0-9.]+ lam%=[0-9.]+ "
            + "sm%@hm0\\.1%=[0-9.]+ hm%=[0-9.]+ sm%=[0-9.]+ msgs/s=\\d+";

    @TempDir
    Path dir;

    @Test
    void demoTrainsFromTrainingFoldersAndMovesTheInboxSpam() {
        IsbgCli.Run run = new IsbgCli(dir).run("demo");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("learn: 60/60 spams learnt from TrainSpam, 60/60 hams learnt from TrainHam"), run.out());
        assertTrue(run.out().contains("scan: 8 spams found in 20 messages of INBOX, moved to Spam"), run.out());
        assertTrue(run.out().contains("folders after the scan:"), run.out());
    }

    @Test
    void evaluatePrintsTheTrecSummaryLastAndWritesAReport() throws Exception {
        Path corpus = corpus();
        Path report = dir.resolve("report.html");

        IsbgCli.Run run = new IsbgCli(dir).run("evaluate", "--corpus", corpus.toString(), "--order", "shuffle:7",
                "--report", report.toString());
        assertEquals(0, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches(SUMMARY), run.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("evaluate: n=60 spam=20 ham=40 "), run.out());
        assertEquals("", run.err(), "no progress bar where stderr is no terminal");
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && !html.contains("<script src"), "self-contained report");
    }

    @Test
    void evaluateOnATerminalShowsABarOnStderrAndBlanksItsLineBeforeTheSummary() throws Exception {
        Path corpus = corpus();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);

        int exit = Main.run(new String[] {"evaluate", "--corpus", corpus.toString()}, new PrintWriter(out, true), errWriter,
                Map.of(), false, Terminal.progressBars(errWriter, true, Map.of("COLUMNS", "100")));

        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("evaluate 100% [") && err.toString().contains("60/60 msgs"), err.toString());
        assertTrue(err.toString().endsWith("\r" + " ".repeat(99) + "\r"), "the bar's line is blank: " + err);
        assertTrue(out.toString().startsWith("evaluate: n=60 spam=20 ham=40 "), out.toString());
    }

    @Test
    void evaluateInAProcessWhoseOutputIsNoTerminalPrintsNoBar() throws Exception {
        IsbgCli.Run run = new IsbgCli(dir).runInChildJvm(List.of(), List.of("evaluate", "--corpus", corpus().toString()));
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err());
        assertTrue(run.out().startsWith("evaluate: n=60 "), run.out());
    }

    /** 60 messages, a third of them spam, with their labels. */
    private Path corpus() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            boolean spam = i % 3 == 0;
            String name = "m" + i + ".eml";
            Files.write(corpus.resolve(name), spam ? TestMail.spam(i) : TestMail.ham(i));
            labels.append(name).append('\t').append(spam ? "spam" : "ham").append('\n');
        }
        Files.writeString(corpus.resolve("labels.tsv"), labels, StandardCharsets.UTF_8);
        return corpus;
    }

    @Test
    void evaluateRejectsAMissingCorpusWithExitTen() {
        IsbgCli.Run run = new IsbgCli(dir).run("evaluate", "--corpus", dir.resolve("nope").toString());
        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertTrue(run.err().startsWith("begone: --corpus"), run.err());
    }

    @Test
    void isbgVersionAndUsageAnswerWithoutAServer() {
        IsbgCli.Run version = new IsbgCli(dir).run("isbg", "--version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("begone "), version.out());
        IsbgCli.Run usage = new IsbgCli(dir).run("isbg", "--usage");
        assertEquals(0, usage.exit(), usage.toString());
        assertTrue(usage.out().startsWith("begone isbg [-h]"), usage.out());
    }

    @Test
    void unknownClassifierIsABadArgument() throws Exception {
        Files.writeString(dir.resolve("labels.tsv"), "");
        IsbgCli.Run run = new IsbgCli(dir).run("evaluate", "--corpus", dir.toString(), "--classifier", "builtin+nosuch");
        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertTrue(run.err().contains("unknown classifier 'nosuch'"), run.err());
    }

    @Test
    void badRspamdSettingsAreOneLineAndExitTen() throws Exception {
        Files.writeString(dir.resolve("labels.tsv"), "");
        for (List<String> bad : List.of(
                List.of("--rspamd", "ftp://127.0.0.1:11333"),
                List.of("--rspamd-controller", "http://"),
                List.of("--rspamd-threshold", "lots"),
                List.of("--rspamd-threshold", "NaN"),
                List.of("--rspamd-password-file", dir.resolve("no-such-file").toString()))) {
            List<String> args = new ArrayList<>(List.of("evaluate", "--corpus", dir.toString(), "--classifier", "rspamd"));
            args.addAll(bad);
            IsbgCli.Run run = new IsbgCli(dir).run(args);
            assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), bad + ": " + run);
            String first = run.err().lines().findFirst().orElse("");
            assertTrue(first.startsWith("begone: ") && first.contains(bad.get(0)), bad + ": " + run);
        }
    }
}
