package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark behind {@code bench/eval-vs-bogofilter}: the same corpus, in the same orders, through the built-in
 * classifier and through bogofilter, each scored then trained with the true label. bogofilter's verdicts are
 * recorded once per stream in SCORES_DIR and replayed after that (see {@link RecordedScores}); the built-in always
 * runs. Prints, per order, both summary lines and the ratios, then the table with the mean and the worst over the
 * orders. Arguments: CORPUS_DIR ORDER[,ORDER...] SCORES_DIR [REPORT_DIR].
 */
public final class BuiltinVsBogofilter {
    private BuiltinVsBogofilter() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: BuiltinVsBogofilter CORPUS_DIR ORDER[,ORDER...] SCORES_DIR [REPORT_DIR]");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        Corpus corpus = Corpus.load(Path.of(args[0]));
        List<Order> orders = List.of(args[1].split(",")).stream().map(Order::parse).toList();
        Path scores = Path.of(args[2]);
        Path reports = args.length > 3 ? Path.of(args[3]) : null;
        out.printf("corpus %s: %d messages, orders %s%n", corpus.dir(), corpus.size(), orders);
        ResultTable table = new ResultTable();
        for (Order order : orders) {
            Path orderReports = reports == null ? null : reports.resolve(order.toString().replace(':', '-'));
            EvaluationResult builtin = evaluate(corpus, order, BuiltinClassifier.inMemory(BuiltinOptions.defaults()), orderReports, out);
            EvaluationResult bogo = evaluate(corpus, order, RecordedScores.replay(scores, corpus, order, "bogofilter",
                    () -> SideBySide.fresh("bogofilter"), out), orderReports, out);
            table.add(builtin);
            table.add(bogo);
            out.printf(Locale.ROOT, "%-10s ratio builtin/bogofilter: 1-ROCA%% %.3f, sm%%@hm0.1%% %.3f%n", order,
                    builtin.oneMinusRocaPercent() / bogo.oneMinusRocaPercent(),
                    builtin.smAtHm01Percent() / bogo.smAtHm01Percent());
        }
        table.print(out);
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
