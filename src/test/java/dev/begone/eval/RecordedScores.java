package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.HashMap;

/**
 * A slow classifier's verdicts on one stream, recorded once and replayed: spamd scores 17 messages a second, so
 * the fusion table would otherwise spend six minutes per order per fusion re-asking it the same questions. A
 * server's verdicts depend only on the stream (its Bayes learns from the same feedback in the same order), so a
 * replay is exactly what the server would answer. The file holds one line per message, in stream order:
 * {@code sha256<TAB>label<TAB>outcome<TAB>logOdds<TAB>score<TAB>threshold}.
 */
final class RecordedScores {
    private RecordedScores() {}

    /** The recorded verdicts of {@code name} on this stream, running {@code factory}'s classifier first when none are. */
    static Classifier replay(Path cache, Corpus corpus, Order order, String name, Callable<Classifier> factory,
            java.io.PrintWriter out) throws Exception {
        Path file = cache.resolve(name + "-" + order.toString().replace(':', '-') + ".tsv");
        if (!Files.isRegularFile(file)) {
            out.printf("  recording %s on %s into %s%n", name, order, file);
            EvaluationResult r;
            List<String> lines = new ArrayList<>();
            try (Classifier c = factory.call()) {
                r = Evaluation.run(corpus, order, c, new EvaluationListener() {
                    @Override
                    public void scored(int index, int total, Corpus.Entry entry, Verdict v) {
                        try {
                            lines.add(String.join("\t", sha256(entry.read()), entry.label().lowerName(),
                                    v.outcome().name(), Double.toString(v.logOdds()), Double.toString(v.score()),
                                    Double.toString(v.threshold())));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if ((index + 1) % 1000 == 0) out.printf("  %s: %d/%d%n", name, index + 1, total);
                    }
                });
            }
            Files.createDirectories(cache);
            Path tmp = Files.createTempFile(cache, file.getFileName().toString(), ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            out.printf("  recorded %s%n", r.summaryLine());
        }
        return new Replay(name, file);
    }

    static String sha256(byte[] message) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(message));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers with the recorded verdicts; identical messages get theirs in stream order. Learning is a no-op. */
    static final class Replay implements Classifier {
        private final String name;
        private final Map<String, ArrayDeque<Verdict>> verdicts = new HashMap<>();

        Replay(String name, Path file) throws IOException {
            this.name = name;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                Verdict v = new Verdict(Outcome.valueOf(f[2]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[3]), List.of());
                verdicts.computeIfAbsent(f[0], k -> new ArrayDeque<>()).add(v);
            }
        }

        @Override
        public String name() {
            return name;
        }

        /** Repeated calls for one message (fusion scores, then learns) see the same verdict until it is learned. */
        @Override
        public Verdict classify(byte[] message) {
            ArrayDeque<Verdict> q = verdicts.get(sha256(message));
            if (q == null || q.isEmpty()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: no recorded verdict for a message", name));
            }
            return q.peek();
        }

        @Override
        public LearnResult learn(byte[] message, Label label) {
            ArrayDeque<Verdict> q = verdicts.get(sha256(message));
            if (q != null && q.size() > 1) q.poll();
            return LearnResult.LEARNED;
        }
    }
}
