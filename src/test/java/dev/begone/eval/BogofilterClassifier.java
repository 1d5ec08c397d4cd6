package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A measuring instrument for benchmarks: drives the bogofilter program, one process per message, with its own
 * word list directory. {@code -TT} prints the spamicity to 16 digits; the exit code gives spam (0), ham (1) or
 * unsure (2). Before anything was registered bogofilter has no word list and fails; that counts as unsure, 0.5.
 *
 * <p>Scoring runs with {@code -u}, which registers the message as bogofilter classified it (unsure: not at all);
 * learning then only corrects that ({@code -Sn}, {@code -Ns}) or registers an unsure one. The word list ends up
 * exactly as with a plain {@code -s}/{@code -n} after each score, at about half the processes: on a busy
 * machine each process costs a tenth of a second.
 */
final class BogofilterClassifier implements Classifier {
    private static final long TIMEOUT_SECONDS = 60;
    private final Path wordlistDir;
    /** What the last {@code -u} run registered, for the message it ran on: SPAM, HAM or null (nothing). */
    private String lastDigest;
    private Label lastRegistered;

    BogofilterClassifier(Path wordlistDir) {
        this.wordlistDir = wordlistDir;
    }

    static boolean installed() {
        try {
            Process p = new ProcessBuilder("bogofilter", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String name() {
        return "bogofilter";
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        Run run = run(message, "-u", "-TT");
        lastDigest = RecordedScores.sha256(message);
        lastRegistered = run.exit == 0 ? Label.SPAM : run.exit == 1 ? Label.HAM : null;
        if (run.exit == 3 && !Files.exists(wordlistDir.resolve("wordlist.db"))) {
            return new Verdict(Outcome.UNSURE, 50, 50, 0, List.of("bogofilter:no-wordlist"));
        }
        if (run.exit < 0 || run.exit > 2) throw new ClassifierException("bogofilter -TT exited " + run.exit + ": " + run.output);
        double p;
        try {
            // -u adds a "# N words, 1 message" line on stderr; the spamicity is the last line
            String[] lines = run.output.strip().split("\n");
            p = Double.parseDouble(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            throw new ClassifierException("bogofilter -TT printed no spamicity: " + run.output, e);
        }
        double clamped = Math.max(1e-15, Math.min(1 - 1e-15, p));
        Outcome outcome = run.exit == 0 ? Outcome.SPAM : run.exit == 1 ? Outcome.HAM : Outcome.UNSURE;
        return new Verdict(outcome, p * 100, 50, Math.log(clamped / (1 - clamped)), List.of());
    }

    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        Label registered = RecordedScores.sha256(message).equals(lastDigest) ? lastRegistered : null;
        lastDigest = null;
        if (registered == label) return LearnResult.LEARNED;
        Run run = registered == null ? run(message, label == Label.SPAM ? "-s" : "-n")
                : run(message, label == Label.SPAM ? "-Ns" : "-Sn");
        if (run.exit != 0) throw new ClassifierException("bogofilter learn exited " + run.exit + ": " + run.output);
        return LearnResult.LEARNED;
    }

    private record Run(int exit, String output) {}

    private Run run(byte[] message, String... modes) throws ClassifierException {
        String mode = String.join(" ", modes);
        List<String> command = new java.util.ArrayList<>(List.of("bogofilter", "-d", wordlistDir.toString()));
        command.addAll(List.of(modes));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(message);
            } catch (IOException e) {
                // bogofilter may stop reading early; its exit code and output tell what happened
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ClassifierException("bogofilter " + mode + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new ClassifierException("cannot run bogofilter: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while running bogofilter", e);
        }
    }
}
