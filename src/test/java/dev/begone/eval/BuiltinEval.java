package dev.begone.eval;

import dev.begone.classify.Label;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The built-in half of {@code bench/eval-vs-bogofilter} alone, for quick iteration on the classifier: for each
 * order, the summary line and the messages that cost the most wrongly ranked (ham, spam) pairs (1-ROCA on a
 * corpus this size is decided by a handful of such messages), then the table with the mean and the worst over the
 * orders. Args: CORPUS_DIR [ORDER...] (default: date).
 */
public final class BuiltinEval {
    private static final int WORST_SHOWN = 10;

    private BuiltinEval() {}

    public static void main(String[] args) throws Exception {
        Corpus corpus = Corpus.load(Path.of(args[0]));
        String[] orders = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"date"};
        ResultTable table = new ResultTable();
        for (String o : orders) {
            Order order = Order.parse(o);
            EvaluationResult r = Evaluation.run(corpus, order, BuiltinClassifier.inMemory(BuiltinOptions.defaults()),
                    EvaluationListener.NONE);
            System.out.printf(Locale.ROOT, "%-10s builtin %s%n", order, r.summaryLine());
            worst(r).forEach(line -> System.out.println("    " + line));
            table.add(r);
        }
        table.print(new java.io.PrintWriter(System.out, true));
    }

    /** Lines "pairs index label logOdds name", most costly first. */
    private static List<String> worst(EvaluationResult r) {
        double[] spam = r.messages().stream().filter(m -> m.label() == Label.SPAM).mapToDouble(m -> m.logOdds()).sorted().toArray();
        double[] ham = r.messages().stream().filter(m -> m.label() != Label.SPAM).mapToDouble(m -> m.logOdds()).sorted().toArray();
        record Cost(long pairs, String line) {}
        List<Cost> costs = new ArrayList<>();
        for (int i = 0; i < r.messages().size(); i++) {
            EvaluationResult.Scored m = r.messages().get(i);
            long pairs = m.label() == Label.SPAM
                    ? ham.length - firstAtLeast(ham, m.logOdds())
                    : firstAtLeast(spam, Math.nextUp(m.logOdds()));
            costs.add(new Cost(pairs, String.format(Locale.ROOT, "%6d pairs  #%-5d %-4s %7.2f %s",
                    pairs, i, m.label(), m.logOdds(), m.name())));
        }
        return costs.stream().sorted(Comparator.comparingLong(Cost::pairs).reversed()).limit(WORST_SHOWN)
                .map(Cost::line).toList();
    }

    private static int firstAtLeast(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
