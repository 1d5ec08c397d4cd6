package dev.begone.classify.builtin;

import dev.begone.classify.Label;
import dev.begone.testing.Rounds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Core throughput of the built-in classifier on one thread: features + score + update per message, corpus held
 * in memory, after warm-up passes. Prints messages per second per round and their min/median/max (see
 * {@link Rounds}); the goal is stated on the minimum, the slowest round. Then the model's size: saved after the whole corpus, and after
 * 100,000 synthetic variants of its messages (each with fresh words and numbers, so the model keeps meeting new
 * features, as a mailbox over years does). Args: CORPUS_DIR.
 */
public final class ThroughputBench {
    /** The JIT needs a few passes over the corpus before the rate settles. */
    private static final int WARM_UP_ROUNDS = 3;
    private static final int MEASURED_ROUNDS = 7;
    private static final int VARIANTS = 100_000;
    private static final long SEED = 20261202L;

    private ThroughputBench() {}

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        List<byte[]> messages = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        long bytes = 0;
        for (String line : Files.readAllLines(corpus.resolve("labels.tsv"))) {
            String[] f = line.split("\t");
            byte[] m = Files.readAllBytes(corpus.resolve(f[0]));
            messages.add(m);
            labels.add(f[1].equals("spam") ? Label.SPAM : Label.HAM);
            bytes += m.length;
        }
        long meanBytes = bytes / messages.size();
        Rounds.Rates rates = Rounds.measure(WARM_UP_ROUNDS, MEASURED_ROUNDS, messages.size(),
                " (classify + learn, mean " + meanBytes + " bytes)", () -> {
                    BuiltinClassifier c = BuiltinClassifier.inMemory(BuiltinOptions.defaults());
                    for (int i = 0; i < messages.size(); i++) {
                        c.classify(messages.get(i));
                        c.learn(messages.get(i), labels.get(i));
                    }
                });
        System.out.printf(Locale.ROOT, "throughput (wall clock): %s (goal: min >= 20000)%n", Rounds.spread(rates.wall()));
        System.out.printf(Locale.ROOT, "throughput (CPU time): %s (goal: min >= 20000)%n", Rounds.spread(rates.cpu()));
        modelSizes(messages, labels);
    }

    private static void modelSizes(List<byte[]> messages, List<Label> labels) throws Exception {
        Path dir = Files.createTempDirectory("begone-model-size-");
        Path file = dir.resolve("builtin.model");
        try {
            BuiltinClassifier c = BuiltinClassifier.load(file, BuiltinOptions.defaults());
            for (int i = 0; i < messages.size(); i++) c.learn(messages.get(i), labels.get(i));
            c.save();
            System.out.printf(Locale.ROOT, "model file after the corpus (%d messages): %.2f MB%n", messages.size(), Files.size(file) / 1e6);
            Random random = new Random(SEED);
            for (int i = messages.size(); i < VARIANTS; i++) {
                int k = random.nextInt(messages.size());
                c.learn(variant(messages.get(k), random), labels.get(k));
            }
            c.save();
            System.out.printf(Locale.ROOT, "model file after %d messages (the corpus, then synthetic variants): %.2f MB "
                    + "(goal < 16 MB); weights and counts in memory: %.2f MB (a dense array from 1/32 of the features)%n",
                    VARIANTS, Files.size(file) / 1e6, c.memoryBytes() / 1e6);
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** The message with a line of new random words and numbers put at the top of its body. */
    private static byte[] variant(byte[] message, Random random) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\n\n");
        if (body < 0) body = text.length();
        StringBuilder noise = new StringBuilder("\n");
        for (int w = 0; w < 12; w++) {
            int len = 3 + random.nextInt(8);
            for (int k = 0; k < len; k++) noise.append((char) ('a' + random.nextInt(26)));
            noise.append(w % 4 == 3 ? " " + random.nextInt(1_000_000) + " " : " ");
        }
        return (text.substring(0, body) + "\n" + noise + text.substring(body)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
