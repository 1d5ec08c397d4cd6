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
 */
final class BogofilterClassifier implements Classifier {
    private static final long TIMEOUT_SECONDS = 60;
    private final Path wordlistDir;

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
        Run run = run(message, "-TT");
        if (run.exit == 3 && !Files.exists(wordlistDir.resolve("wordlist.db"))) {
            return new Verdict(Outcome.UNSURE, 50, 50, 0, List.of("bogofilter:no-wordlist"));
        }
        if (run.exit < 0 || run.exit > 2) throw new ClassifierException("bogofilter -TT exited " + run.exit + ": " + run.output);
        double p;
        try {
            p = Double.parseDouble(run.output.trim());
        } catch (NumberFormatException e) {
            throw new ClassifierException("bogofilter -TT printed no spamicity: " + run.output, e);
        }
        double clamped = Math.max(1e-15, Math.min(1 - 1e-15, p));
        Outcome outcome = run.exit == 0 ? Outcome.SPAM : run.exit == 1 ? Outcome.HAM : Outcome.UNSURE;
        return new Verdict(outcome, p * 100, 50, Math.log(clamped / (1 - clamped)), List.of());
    }

    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        Run run = run(message, label == Label.SPAM ? "-s" : "-n");
        if (run.exit != 0) throw new ClassifierException("bogofilter learn exited " + run.exit + ": " + run.output);
        return LearnResult.LEARNED;
    }

    private record Run(int exit, String output) {}

    private Run run(byte[] message, String mode) throws ClassifierException {
        try {
            Process p = new ProcessBuilder("bogofilter", "-d", wordlistDir.toString(), mode)
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
