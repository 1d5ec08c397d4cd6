package dev.begone.cli;

import dev.begone.classify.ClassifierException;
import dev.begone.config.AccountConfig;
import dev.begone.config.Configuration;
import dev.begone.config.ConfigException;
import dev.begone.imap.MailStoreException;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.LearnFlow;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.StopSignal;
import dev.begone.progress.ProgressBars;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Processes every configured account once (or the named ones), for cron or a systemd timer. Accounts run one after
 * the other, each under its own lock and on its own connection; one failing never stops the others.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {"Processes each configured account once: learns from its training folders, then files the spam of "
                + "its scanned folders.",
            "Prints a table of the accounts on a terminal, elsewhere only when an account failed or had a warning. "
                + "Exit code: the worst account's (isbg's codes)."})
class RunCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final boolean terminal;
    private final ProgressBars bars;
    /** The part of each account's plan this command runs: all of it for {@code run}. */
    private final UnaryOperator<AccountRun.Plan> part;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    AccountSelection selection;

    @Option(names = "--verbose", description = "A line for each message scored or learnt, naming its account.")
    boolean verbose;

    /**
     * @param terminal whether standard output is a terminal, where the table is always shown
     * @param bars     where a scan of many new messages shows its progress
     */
    RunCommand(Map<String, String> env, boolean terminal, ProgressBars bars) {
        this(env, terminal, bars, UnaryOperator.identity());
    }

    RunCommand(Map<String, String> env, boolean terminal, ProgressBars bars, UnaryOperator<AccountRun.Plan> part) {
        this.env = env;
        this.terminal = terminal;
        this.bars = bars;
        this.part = part;
    }

    /** One account's line of the closing table; {@code result} is null when the account failed. */
    private record Row(String account, ExitCode code, AccountRun.Result result, Duration time, String error, int warnings) {}

    @Override
    public Integer call() throws ConfigException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration c = config.load(env);
        List<AccountConfig> chosen = selection.chosen(c);
        List<Row> rows = new ArrayList<>();
        for (AccountConfig a : chosen) {
            rows.add(run(a, err));
            err.flush();
        }
        boolean somethingToSay = rows.stream().anyMatch(r -> r.code() != ExitCode.OK || r.warnings() > 0);
        if (terminal || somethingToSay) table(out, rows);
        return rows.stream().map(Row::code).mapToInt(ExitCode::code).max().orElse(ExitCode.OK.code());
    }

    private Row run(AccountConfig a, PrintWriter err) {
        long start = System.nanoTime();
        Verbose listener = Verbose.account(err, a.name(), verbose);
        try {
            AccountRun.Result result = process(a, listener);
            for (AccountRun.Learnt l : result.learnt()) {
                // A training folder's refused messages go to errors: when given up; what the user moved stays put.
                boolean trainingFolder = a.training().learnSpam().contains(l.folder()) || a.training().learnHam().contains(l.folder());
                String givenUp = !trainingFolder ? "not tried again and left where they are"
                        : a.training().errors().map(e -> "given up and moved to " + e)
                                .orElse("given up after " + LearnFlow.MAX_ATTEMPTS + " attempts and left where they are");
                listener.classifierFailures(l.label().lowerName() + "s of " + l.folder() + " not learned", l.stats().skipped(),
                        l.stats().failed(), givenUp);
            }
            for (AccountRun.Scanned s : result.scanned()) {
                listener.classifierFailures("messages of " + s.folder() + " not scored", s.result().skipped(), s.result().failed());
            }
            return new Row(a.name(), ExitCode.OK, result, since(start), "", listener.warnings());
        } catch (Exception e) {
            return new Row(a.name(), failed(a, e, err), null, since(start), detail(a, e), listener.warnings());
        }
    }

    /** Says on {@code err} in one line (a stack trace for a bug) why an account failed; returns its exit code. */
    static ExitCode failed(AccountConfig a, Exception e, PrintWriter err) {
        ExitCode code = Main.exitCodeOf(e);
        if (code == ExitCode.INTERNAL_ERROR) {
            err.println("begone: " + a.name() + ": internal error (a bug; please report it with what follows):");
            e.printStackTrace(err);
        } else {
            err.println("begone: " + a.name() + ": " + detail(a, e));
        }
        return code;
    }

    private AccountRun.Result process(AccountConfig a, Verbose listener)
            throws IOException, ClassifierException {
        // --verbose gives each message a line, which says how far the scan is and would break into a bar.
        try (ConfiguredAccount account = ConfiguredAccount.open(a, env, classifier -> classifier);
                ScanProgress progress = new ScanProgress(verbose ? ProgressBars.NONE : bars, a.name() + ": ")) {
            account.lockWarning().ifPresent(w -> listener.warning("warning: " + w));
            return account.run(part, PipelineListener.all(List.of(progress, listener)), StopSignal.NEVER);
        }
    }

    /** The failure in one line, without the account's name (the caller puts it first). */
    private static String detail(AccountConfig a, Exception e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        if (m.startsWith(a.name() + ": ")) m = m.substring(a.name().length() + 2);
        if (e instanceof MailStoreException) return "IMAP: " + m;
        if (e instanceof ClassifierException) return "classifier " + a.classifier().name() + ": " + m;
        return m;
    }

    private static void table(PrintWriter out, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"account", "exit", "outcome", "scanned", "spam", "learnt", "time", "error"});
        for (Row r : rows) {
            AccountRun.Result x = r.result();
            cells.add(new String[] {r.account(), String.valueOf(r.code().code()), outcome(r),
                x == null ? "-" : String.valueOf(x.messages()), x == null ? "-" : String.valueOf(x.spam()),
                x == null ? "-" : String.valueOf(x.learned()),
                String.format(Locale.ROOT, "%.1fs", r.time().toMillis() / 1000.0), r.error()});
        }
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        // Numbers are right-aligned; the last column is not padded, so that no line ends in blanks.
        boolean[] right = {false, true, false, true, true, true, true, false};
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) line.append("  ");
                String pad = " ".repeat(width[i] - row[i].length());
                if (right[i]) line.append(pad).append(row[i]);
                else line.append(row[i]).append(i == row.length - 1 ? "" : pad);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String outcome(Row r) {
        return switch (r.code()) {
            case OK -> r.warnings() > 0 ? "ok, warnings" : "ok";
            case BAD_ARGUMENTS -> "configuration";
            case IMAP_ERROR -> "IMAP";
            case CLASSIFIER_ERROR -> "classifier";
            case LOCKED -> "locked";
            case INTERNAL_ERROR -> "bug";
            default -> r.code().name().toLowerCase(Locale.ROOT);
        };
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

}
