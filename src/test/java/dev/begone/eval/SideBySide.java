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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark behind {@code bench/eval-side-by-side}: the same corpus, in the same order, through several
 * classifiers, each scored then taught the true label, as {@code begone evaluate} does. Servers are the test
 * fixtures' (stock rules, network tests off, Bayes usable after one learn of each class), each started fresh for
 * its run so no run learns from another. Arguments: CORPUS_DIR [ORDER] [NAMES] [REPORT_DIR], NAMES a comma list of
 * builtin, bogofilter, rspamd, spamd and +-joined fusions of them (default: builtin,rspamd,rspamd+builtin).
 */
public final class SideBySide {
    private SideBySide() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SideBySide CORPUS_DIR [file|date|shuffle:SEED] [NAME,NAME...] [REPORT_DIR]");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        Corpus corpus = Corpus.load(Path.of(args[0]));
        Order order = Order.parse(args.length > 1 ? args[1] : "date");
        List<String> names = List.of((args.length > 2 ? args[2] : "builtin,rspamd,rspamd+builtin").split(","));
        Path reports = args.length > 3 ? Path.of(args[3]) : null;
        out.printf("corpus %s: %d messages, order %s%n", corpus.dir(), corpus.size(), order);

        Map<String, EvaluationResult> results = new LinkedHashMap<>();
        for (String name : names) {
            Path work = Files.createTempDirectory("begone-side-by-side-");
            try (Servers servers = new Servers(work)) {
                results.put(name, BuiltinVsBogofilter.evaluate(corpus, order, servers.classifier(name), reports, out));
            } finally {
                BuiltinVsBogofilter.deleteTree(work);
            }
        }
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        results.forEach((name, r) -> out.printf("%-" + width + "s %s%n", name, r.summaryLine()));
    }

    /** Starts the servers a classifier name needs, on demand, and stops them all at the end of its run. */
    private static final class Servers implements AutoCloseable {
        private final Path work;
        private Rspamd rspamd;
        private Spamd spamd;

        Servers(Path work) {
            this.work = work;
        }

        Classifier classifier(String name) throws Exception {
            List<Classifier> members = new ArrayList<>();
            for (String part : name.split("\\+")) members.add(single(part));
            return members.size() == 1 ? members.get(0) : new FusionClassifier(members);
        }

        private Classifier single(String name) throws Exception {
            return switch (name) {
                case "builtin" -> BuiltinClassifier.inMemory(BuiltinOptions.defaults());
                case "bogofilter" -> new BogofilterClassifier(Files.createDirectories(work.resolve("bogofilter")));
                case "rspamd" -> {
                    if (rspamd == null) rspamd = Rspamd.start(Files.createDirectories(work.resolve("rspamd")));
                    yield new RspamdClassifier(rspamd.options());
                }
                case "spamd" -> {
                    if (spamd == null) spamd = Spamd.start(Files.createDirectories(work.resolve("spamd")));
                    yield new SpamdClassifier(spamd.options());
                }
                default -> throw new IllegalArgumentException("unknown classifier " + name);
            };
        }

        @Override
        public void close() throws InterruptedException {
            if (rspamd != null) rspamd.close();
            if (spamd != null) spamd.close();
        }
    }
}
