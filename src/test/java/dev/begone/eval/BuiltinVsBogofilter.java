package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The benchmark behind {@code bench/eval-vs-bogofilter}: the same corpus, in the same order, through the built-in
 * classifier and through bogofilter, each scored then trained with the true label. Prints both summary lines and
 * the ratios the goal is stated in. Arguments: CORPUS_DIR [ORDER] [REPORT_DIR].
 */
public final class BuiltinVsBogofilter {
    private BuiltinVsBogofilter() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BuiltinVsBogofilter CORPUS_DIR [file|date|shuffle:SEED] [REPORT_DIR]");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        Corpus corpus = Corpus.load(Path.of(args[0]));
        Order order = Order.parse(args.length > 1 ? args[1] : "date");
        Path reports = args.length > 2 ? Path.of(args[2]) : null;
        out.printf("corpus %s: %d messages, order %s%n", corpus.dir(), corpus.size(), order);

        EvaluationResult builtin = evaluate(corpus, order, BuiltinClassifier.inMemory(BuiltinOptions.defaults()), reports, out);
        Path wordlist = Files.createTempDirectory("begone-bogofilter-");
        EvaluationResult bogo;
        try {
            bogo = evaluate(corpus, order, new BogofilterClassifier(wordlist), reports, out);
        } finally {
            deleteTree(wordlist);
        }
        out.println("builtin    " + builtin.summaryLine());
        out.println("bogofilter " + bogo.summaryLine());
        out.printf(Locale.ROOT, "ratio builtin/bogofilter: 1-ROCA%% %.3f (goal <= 0.25), sm%%@hm0.1%% %.3f (goal <= 0.50)%n",
                builtin.oneMinusRocaPercent() / bogo.oneMinusRocaPercent(),
                builtin.smAtHm01Percent() / bogo.smAtHm01Percent());
    }

    /** Runs one classifier over the stream, printing progress, and writes its report into {@code reports} if given. */
    static EvaluationResult evaluate(Corpus corpus, Order order, Classifier classifier, Path reports, PrintWriter out)
            throws IOException {
        try (classifier) {
            EvaluationResult r = Evaluation.run(corpus, order, classifier, new EvaluationListener() {
                @Override
                public void scored(int index, int total, Corpus.Entry entry, dev.begone.classify.Verdict verdict) {
                    if ((index + 1) % 1000 == 0) out.printf("  %s: %d/%d%n", classifier.name(), index + 1, total);
                }
            });
            if (reports != null) {
                Files.createDirectories(reports);
                Path file = reports.resolve(classifier.name() + ".html");
                HtmlReport.write(r, file);
                out.println("  report: " + file);
            }
            return r;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
