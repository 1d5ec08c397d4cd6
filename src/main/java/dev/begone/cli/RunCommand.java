package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.config.AccountConfig;
import dev.begone.config.Configuration;
import dev.begone.config.ConfigException;
import dev.begone.config.Training;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import dev.begone.imap.Secret;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.HousekeepingSettings;
import dev.begone.pipeline.LearnSettings;
import dev.begone.pipeline.ScanSettings;
import dev.begone.pipeline.Session;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.AccountLock;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
final class RunCommand implements Callable<Integer> {
    /**
     * Prefix of the state key of a configured account. No isbg key ({@code user@host:port}, whose last colon follows an
     * {@code @}) can look like it, since account names hold no colon.
     */
    static final String STATE_KEY_PREFIX = "config:";
    /** What --flag and --learnthenflag set in isbg; {@code after: flag} sets the same. */
    private static final String FLAGGED = "\\Flagged";
    /** A lock file isbg left without an OS lock counts as held this long, as isbg's default --lockfilegrace. */
    private static final Duration LOCK_GRACE = Duration.ofMinutes(240);
    private static final Duration JOURNAL_RETENTION = Duration.ofDays(30);

    private final Map<String, String> env;
    private final boolean terminal;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--account", paramLabel = "NAME", description = "Process only this account (may be given several times).")
    List<String> only = new ArrayList<>();

    @Option(names = "--verbose", description = "A line for each message scored or learnt, naming its account.")
    boolean verbose;

    /** @param terminal whether standard output is a terminal, where the table is always shown */
    RunCommand(Map<String, String> env, boolean terminal) {
        this.env = env;
        this.terminal = terminal;
    }

    /** One account's line of the closing table; {@code result} is null when the account failed. */
    private record Row(String account, ExitCode code, AccountRun.Result result, Duration time, String error, int warnings) {}

    @Override
    public Integer call() throws ConfigException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration c = config.load(env);
        List<AccountConfig> chosen = chosen(c, only);
        List<Row> rows = new ArrayList<>();
        for (AccountConfig a : chosen) {
            rows.add(run(a, err));
            err.flush();
        }
        boolean somethingToSay = rows.stream().anyMatch(r -> r.code() != ExitCode.OK || r.warnings() > 0);
        if (terminal || somethingToSay) table(out, rows);
        return rows.stream().map(Row::code).mapToInt(ExitCode::code).max().orElse(ExitCode.OK.code());
    }

    /** The accounts named by {@code --account} options ({@code only}), or all when none was given. */
    static List<AccountConfig> chosen(Configuration c, List<String> only) {
        if (only.isEmpty()) return c.accounts();
        List<AccountConfig> chosen = new ArrayList<>();
        for (String name : new LinkedHashSet<>(only)) {
            chosen.add(c.account(name).orElseThrow(() -> ExitException.badArguments("--account " + name + ": " + c.file()
                    + " has no such account (it has " + String.join(", ", c.accounts().stream().map(AccountConfig::name).toList()) + ")")));
        }
        return chosen;
    }

    /** The state key of a configured account; see {@link #STATE_KEY_PREFIX}. */
    static String stateKey(String account) {
        return STATE_KEY_PREFIX + account;
    }

    private Row run(AccountConfig a, PrintWriter err) {
        long start = System.nanoTime();
        Verbose listener = Verbose.account(err, a.name(), verbose);
        try {
            AccountRun.Result result = process(a, listener);
            for (AccountRun.Learnt l : result.learnt()) {
                listener.classifierFailures(l.label().lowerName() + "s of " + l.folder() + " not learned", l.stats().skipped(), l.stats().failed());
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

    private AccountRun.Result process(AccountConfig a, Verbose listener) throws IOException {
        List<String> unsupported = unsupportedKeys(a);
        if (!unsupported.isEmpty()) {
            throw ExitException.badArguments(String.join(", ", unsupported) + ": this version of begone does not apply "
                    + (unsupported.size() == 1 ? "this key" : "these keys") + " yet; remove "
                    + (unsupported.size() == 1 ? "it" : "them") + " to run this account");
        }
        Training t = a.training();
        for (String f : concat(t.learnSpam(), t.learnHam())) {
            if (a.folders().scan().contains(f)) {
                throw ExitException.badArguments("training folder " + f + " is also scanned: a training folder must be a folder of its own");
            }
        }
        return withAccount(a, env, listener, (session, folders) -> {
            AccountRun.Plan plan = plan(a, folders);
            // Training folders and the folders learnt mail moves to are created when first used, as config check says.
            for (String f : foldersToCreate(plan)) if (!session.store().exists(f)) session.store().create(f);
            return AccountRun.run(session, plan);
        });
    }

    /** What is done to one account once it is locked and connected, and its folders are checked. */
    interface AccountWork<T> {
        T run(Session session, AccountWiring.ServerFolders folders) throws IOException;
    }

    /**
     * Runs {@code work} on a configured account: under its mailbox's lock, connected, its scanned, spam and trash
     * folders found, with its state and classifier open.
     */
    static <T> T withAccount(AccountConfig a, Map<String, String> env, Verbose listener, AccountWork<T> work) throws IOException {
        Secret password = AccountWiring.password(a.imap().password(), env, a.name());
        StatePaths paths = StatePaths.defaults(env);
        String key = stateKey(a.name());
        try (AccountLock lock = AccountLock.acquire(paths.lockFile(AccountWiring.mailboxKey(a.imap().user(), a.imap().host(),
                        a.imap().port())), LOCK_GRACE, false);
                MailStore store = AccountWiring.connect(AccountWiring.imapSettings(a.imap(), password).toBuilder()
                        .maxLiteralBytes(AccountWiring.maxLiteralBytes(a.limits().maxSize())).build(), AccountWiring::configAdvice)) {
            lock.warning().ifPresent(w -> listener.warning("warning: " + w));
            AccountWiring.ServerFolders folders = AccountWiring.serverFolders(a, store);
            if (!folders.problems().isEmpty()) {
                throw ExitException.badArguments(String.join("; ", folders.problems()) + " (begone isbg --imaplist lists them)");
            }
            ExecutorService pool = Executors.newFixedThreadPool(a.classifier().jobs());
            try (StateStore state = StateStore.open(paths.db());
                    Classifier classifier = AccountWiring.classifier(a.classifier(), paths.modelFile(key, "builtin"))) {
                return work.run(new Session(store, state, key, classifier, pool, listener), folders);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The account's configuration as a plan: learn from each training folder, then move each scanned folder's spam out. */
    private static AccountRun.Plan plan(AccountConfig a, AccountWiring.ServerFolders folders) {
        Training t = a.training();
        LearnSettings.After spamAfter = after(t.after(), Label.SPAM, folders.trash());
        LearnSettings.After hamAfter = after(t.after(), Label.HAM, folders.trash());
        List<LearnSettings> learn = new ArrayList<>();
        for (String f : t.learnSpam()) learn.add(learnSettings(a, f, Label.SPAM, spamAfter));
        for (String f : t.learnHam()) learn.add(learnSettings(a, f, Label.HAM, hamAfter));
        List<ScanSettings> scan = new ArrayList<>();
        for (String f : a.folders().scan()) {
            // Filed spam is moved: copied, then removed from the scanned folder once the copy is confirmed.
            scan.add(ScanSettings.builder(f)
                    .filing(a.filing())
                    .dropFolder(folders.trash())
                    .spamFolder(folders.spam())
                    .maxSizeBytes(a.limits().maxSize())
                    .partialRun(a.limits().partialRun())
                    .deleteSpam(true)
                    .expunge(true)
                    .build());
        }
        HousekeepingSettings housekeeping = new HousekeepingSettings(a.housekeeping(), folders.trash(), ZoneId.systemDefault(), false);
        return new AccountRun.Plan(learn, scan, new SpamPolicy(null), false, false, JOURNAL_RETENTION, housekeeping);
    }

    private static LearnSettings learnSettings(AccountConfig a, String folder, Label label, LearnSettings.After after) {
        return LearnSettings.builder(folder, label).after(after).expunge(true).partialRun(a.limits().partialRun()).build();
    }

    /** {@code after: delete} moves to the account's trash folder, where the user can still take the message back. */
    private static LearnSettings.After after(Training.After after, Label label, String trash) {
        return switch (after) {
            case Training.After.Stay s -> new LearnSettings.After.Stay();
            case Training.After.Move m -> (label == Label.SPAM ? m.spam() : m.ham())
                    .<LearnSettings.After>map(LearnSettings.After.Move::new).orElse(new LearnSettings.After.Stay());
            case Training.After.Delete d -> new LearnSettings.After.Move(trash);
            case Training.After.Flag f -> new LearnSettings.After.Flag(Set.of(FLAGGED));
        };
    }

    private static Set<String> foldersToCreate(AccountRun.Plan plan) {
        Set<String> folders = new LinkedHashSet<>();
        for (LearnSettings l : plan.learn()) {
            folders.add(l.folder());
            if (l.after() instanceof LearnSettings.After.Move m) folders.add(m.folder());
        }
        return folders;
    }

    /**
     * Keys the configuration accepts whose work the engine cannot do yet: an account that has any fails rather than
     * run without them (mail the user expects routed, deduplicated or expired would silently not be).
     */
    private static List<String> unsupportedKeys(AccountConfig a) {
        List<String> keys = new ArrayList<>();
        Training t = a.training();
        if (!t.allowSender().isEmpty()) keys.add("training.allow-sender");
        if (t.errors().isPresent()) keys.add("training.errors");
        if (t.fromMoves()) keys.add("training.from-moves");
        return keys;
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

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
