package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.Verdict;
import dev.begone.eval.Corpus;
import dev.begone.eval.Evaluation;
import dev.begone.eval.EvaluationListener;
import dev.begone.eval.EvaluationResult;
import dev.begone.eval.HtmlReport;
import dev.begone.eval.Order;
import dev.begone.progress.ProgressBars;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures a classifier on a labelled corpus with the TREC online protocol: each message in order is scored,
 * then learned with its true label. The built-in classifier starts from an empty model.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Scores a labelled corpus online (score, then learn the true label) and prints TREC figures.",
            "The last line is: evaluate: n=N spam=S ham=H 1-ROCA%%=X lam%%=X sm%%@hm0.1%%=X hm%%=X sm%%=X msgs/s=X"
        })
final class EvaluateCommand implements Callable<Integer> {
    private final ProgressBars bars;

    @Spec
    CommandSpec spec;

    @Mixin
    ClassifierOptions classifierOptions;

    @Option(names = "--corpus", required = true, paramLabel = "DIR",
            description = "A directory with labels.tsv (path<TAB>spam|ham) or a TREC full/index.")
    Path corpus;

    @Option(names = "--order", paramLabel = "file|date|shuffle:SEED", defaultValue = "file",
            description = "Message order (default: ${DEFAULT-VALUE}); date sorts by the Date header, unparseable last.")
    String order;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report (ROC curve, score histogram).")
    Path report;

    @Option(names = "--progress", description = "Print progress every 1000 messages on stderr (on a terminal, instead of "
            + "the progress bar).")
    boolean progress;

    /** @param bars where the evaluation shows its progress */
    EvaluateCommand(ProgressBars bars) {
        this.bars = bars;
    }

    @Override
    public Integer call() throws IOException {
        classifierOptions.validate();
        if (!Files.isDirectory(corpus)) throw ExitException.badArguments("--corpus " + corpus + ": not a directory");
        Order parsedOrder;
        try {
            parsedOrder = Order.parse(order);
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--order " + order + ": " + e.getMessage());
        }
        Corpus loaded;
        try {
            loaded = Corpus.load(corpus);
        } catch (IOException e) {
            throw ExitException.badArguments("--corpus " + corpus + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvaluationResult result;
        try (Classifier classifier = classifierOptions.create("builtin", null);
                ProgressBars.Bar bar = (progress ? ProgressBars.NONE : bars).start("evaluate", loaded.size())) {
            result = Evaluation.run(loaded, parsedOrder, classifier, new EvaluationListener() {
                @Override
                public void scored(int index, int total, Corpus.Entry entry, Verdict verdict) {
                    bar.step(1);
                    if (progress && (index + 1) % 1000 == 0) err.printf("evaluate: %d/%d%n", index + 1, total);
                }
            });
        }
        if (report != null) {
            HtmlReport.write(result, report);
            out.println("report: " + report.toAbsolutePath());
        }
        out.println(result.summaryLine());
        return ExitCode.OK.code();
    }
}
