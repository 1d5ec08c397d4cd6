package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.FusionClassifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.classify.rspamd.RspamdClassifier;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.testing.Rspamd;
import dev.begone.testing.Spamd;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The benchmark behind {@code bench/eval-side-by-side}: the same corpus, in the same orders, through several
 * classifiers, each scored then taught the true label, as {@code begone evaluate} does. The servers (spamd, Rspamd)
 * and bogofilter are the test fixtures' (stock rules, network tests off, Bayes usable after one learn of each
 * class), each started fresh for its stream; their verdicts are recorded once per stream in SCORES_DIR and
 * replayed after that (see {@link RecordedScores}). The built-in classifier and {@link FusionClassifier} always
 * run for real, learning online. Arguments: CORPUS_DIR ORDER[,ORDER...] NAME[,NAME...] SCORES_DIR [REPORT_DIR],
 * NAMES from builtin, bogofilter, rspamd, spamd and +-joined fusions of them.
 */
public final class SideBySide {
    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SideBySide CORPUS_DIR ORDER[,ORDER...] NAME[,NAME...] SCORES_DIR [REPORT_DIR]");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        Corpus corpus = Corpus.load(Path.of(args[0]));
        List<Order> orders = List.of(args[1].split(",")).stream().map(Order::parse).toList();
        List<String> names = List.of(args[2].split(","));
        Path scores = Path.of(args[3]);
        Path reports = args.length > 4 ? Path.of(args[4]) : null;
        out.printf("corpus %s: %d messages, orders %s%n", corpus.dir(), corpus.size(), orders);
        ResultTable table = new ResultTable();
        for (Order order : orders) {
            for (String name : names) {
                List<Classifier> members = new ArrayList<>();
                for (String part : name.split("\\+")) members.add(member(corpus, order, part, scores, out));
                Classifier c = members.size() == 1 ? members.get(0) : new FusionClassifier(members);
                table.add(BuiltinVsBogofilter.evaluate(corpus, order, c,
                        reports == null ? null : reports.resolve(order.toString().replace(':', '-')), out));
            }
        }
        table.print(out);
    }

    private static Classifier member(Corpus corpus, Order order, String name, Path scores, PrintWriter out)
            throws Exception {
        if (name.equals("builtin")) return BuiltinClassifier.inMemory(BuiltinOptions.defaults());
        return RecordedScores.replay(scores, corpus, order, name, () -> fresh(name), out);
    }

    /** A classifier backed by a fresh server (or word list) that lives exactly as long as the classifier. */
    static Classifier fresh(String name) throws Exception {
        Path work = Files.createTempDirectory("begone-side-by-side-");
        Callable<Classifier> start = switch (name) {
            case "bogofilter" -> () -> new BogofilterClassifier(Files.createDirectories(work.resolve("bogofilter")));
            case "rspamd" -> () -> {
                Rspamd rspamd = Rspamd.start(Files.createDirectories(work.resolve("rspamd")));
                return new Owning(new RspamdClassifier(rspamd.options()), rspamd::close);
            };
            case "spamd" -> () -> {
                Spamd spamd = Spamd.start(Files.createDirectories(work.resolve("spamd")));
                return new Owning(new SpamdClassifier(spamd.options()), spamd::close);
            };
            default -> throw new IllegalArgumentException("unknown classifier " + name);
        };
        Classifier c = start.call();
        return new Owning(c, () -> BuiltinVsBogofilter.deleteTree(work));
    }

    /** A classifier that also stops what it depends on when closed. */
    private record Owning(Classifier inner, Stopper stopper) implements Classifier {
        interface Stopper {
            void stop() throws Exception;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public dev.begone.classify.Verdict classify(byte[] message) throws dev.begone.classify.ClassifierException {
            return inner.classify(message);
        }

        @Override
        public dev.begone.classify.LearnResult learn(byte[] message, dev.begone.classify.Label label)
                throws dev.begone.classify.ClassifierException {
            return inner.learn(message, label);
        }

        @Override
        public void close() throws dev.begone.classify.ClassifierException {
            try {
                inner.close();
            } finally {
                try {
                    stopper.stop();
                } catch (Exception e) {
                    throw new dev.begone.classify.ClassifierException("cannot stop " + inner.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
