package dev.begone.classify.builtin;

import dev.begone.classify.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Core throughput of the built-in classifier on one thread: features + score + update per message, corpus held
 * in memory, after warm-up passes. Prints messages per second per round and their min/median/max. Args: CORPUS_DIR.
 */
public final class ThroughputBench {
    /** The JIT needs a few passes over the corpus before the rate settles. */
    private static final int WARM_UP_ROUNDS = 3;
    private static final int ROUNDS = 10;

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
        double[] rates = new double[ROUNDS - WARM_UP_ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            BuiltinClassifier c = BuiltinClassifier.inMemory(BuiltinOptions.defaults());
            long start = System.nanoTime();
            for (int i = 0; i < messages.size(); i++) {
                c.classify(messages.get(i));
                c.learn(messages.get(i), labels.get(i));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            boolean warmUp = round < WARM_UP_ROUNDS;
            if (!warmUp) rates[round - WARM_UP_ROUNDS] = messages.size() / seconds;
            System.out.printf(Locale.ROOT, "%s round %d: %d msgs (mean %d bytes) in %.2f s = %.0f msgs/s (classify + learn)%n",
                    warmUp ? "warm-up" : "measured", round, messages.size(), bytes / messages.size(), seconds,
                    messages.size() / seconds);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "throughput: min %.0f median %.0f max %.0f msgs/s over %d measured rounds%n",
                rates[0], rates[rates.length / 2], rates[rates.length - 1], rates.length);
    }
}
