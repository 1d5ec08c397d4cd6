package dev.begone.classify.spamassassin;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.Processed;
import dev.begone.classify.Verdict;
import dev.begone.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SpamAssassin's standalone programs, as isbg runs them without {@code --spamc}: {@code spamassassin} scores
 * (its output is the processed message; the verdict is read back from X-Spam-Status) and {@code sa-learn}
 * learns. Every message costs a fork and a full rule-set load (seconds each); spamd is the fast path.
 *
 * <p>Input and output go through temp files, so a large message cannot deadlock a pipe. Each run has a deadline
 * ({@link SpamAssassinOptions#timeout()}), after which the program and everything it started are killed.
 *
 * <p>sa-learn skips messages over {@value #SA_LEARN_MAX_BYTES} bytes (its {@code --max-size} default) and exits 1;
 * such a message is refused before sa-learn runs. A run that fails or times out on one message is a
 * {@link MessageRejectedException} carrying the program's own output; a program that cannot be started at all
 * stops the run.
 */
public final class SpamAssassinProgram implements Classifier {
    private static final Pattern LEARNED = Pattern.compile("Learned tokens from (\\d+) message\\(s\\) \\((\\d+) message\\(s\\) examined\\)");
    private static final int MAX_ERROR_CHARS = 2000;
    /** sa-learn's default {@code --max-size}: 500 KB (Mail::SpamAssassin::ArchiveIterator, BIG_BYTES). */
    public static final int SA_LEARN_MAX_BYTES = 500 * 1024;

    private final SpamAssassinOptions options;
    private final Semaphore slots;

    public SpamAssassinProgram(SpamAssassinOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.slots = new Semaphore(options.maxConcurrent(), true);
    }

    @Override
    public String name() {
        return "spamassassin";
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        return process(message).verdict();
    }

    @Override
    public Processed process(byte[] message) throws ClassifierException {
        byte[] out = run(options.spamassassin(), List.of(), message);
        return new Processed(SpamStatus.parse(out), out);
    }

    /** {@code sa-learn --spam|--ham}: "from 1 message(s)" is LEARNED, "from 0 message(s) (1 … examined)" ALREADY_KNOWN. */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        if (message.length > SA_LEARN_MAX_BYTES) {
            throw MessageRejectedException.beforeSending(message.length + " bytes is over sa-learn's limit of "
                    + SA_LEARN_MAX_BYTES + " bytes (its --max-size), so sa-learn would skip it");
        }
        byte[] out = run(options.saLearn(), List.of("--" + label.lowerName()), message);
        String text = new String(out, StandardCharsets.UTF_8);
        Matcher m = LEARNED.matcher(text);
        if (!m.find()) throw MessageRejectedException.byClassifier(options.saLearn() + " gave no learn summary: " + clip(text));
        if (!m.group(2).equals("1")) {
            throw MessageRejectedException.byClassifier(options.saLearn() + " examined " + m.group(2)
                    + " messages instead of 1: " + clip(text));
        }
        return m.group(1).equals("1") ? LearnResult.LEARNED : LearnResult.ALREADY_KNOWN;
    }

    private byte[] run(String program, List<String> args, byte[] message) throws ClassifierException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while waiting to run " + program, e);
        }
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            in = Files.createTempFile("begone-sa-in", ".eml");
            out = Files.createTempFile("begone-sa-out", ".eml");
            err = Files.createTempFile("begone-sa-err", ".txt");
            Files.write(in, message);
            List<String> command = new ArrayList<>();
            command.add(program);
            command.addAll(options.extraArgs());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(options.environment());
            try (ChildProcess child = start(pb, program)) {
                if (!child.waitFor(options.timeout())) {
                    child.killTree();
                    throw MessageRejectedException.byClassifier(program + " did not finish within "
                            + options.timeout().toSeconds() + " s and was killed");
                }
                int status = child.process().exitValue();
                if (status != 0) {
                    // sa-learn says why on stdout ("Learned tokens from 0 message(s) (0 message(s) examined)").
                    String said = (Files.readString(err, StandardCharsets.UTF_8) + "\n"
                            + Files.readString(out, StandardCharsets.UTF_8)).strip();
                    throw MessageRejectedException.byClassifier(program + " exited with " + status + ": "
                            + (said.isEmpty() ? "(no output)" : clip(said)));
                }
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassifierException("interrupted while running " + program, e);
        } catch (ClassifierException e) {
            throw e;
        } catch (IOException e) {
            throw new ClassifierException("running " + program + " failed: " + e.getMessage(), e);
        } finally {
            slots.release();
            deleteQuietly(in);
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private ChildProcess start(ProcessBuilder pb, String program) throws ClassifierException {
        try {
            return ChildProcess.start(pb, options.unsetEnvironment());
        } catch (IOException e) {
            throw new ClassifierException("cannot run " + program + " (is SpamAssassin installed? Debian: apt-get install spamassassin): "
                    + e.getMessage(), e);
        }
    }

    /** Cleanup only: a temp file left behind must not hide the real outcome. */
    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the OS temp cleaner gets it
        }
    }

    private static String clip(String s) {
        String t = s.strip();
        return t.length() > MAX_ERROR_CHARS ? t.substring(0, MAX_ERROR_CHARS) + "..." : t;
    }
}
