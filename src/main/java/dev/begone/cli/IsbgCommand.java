package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.Label;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import dev.begone.imap.TlsRefusedException;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.LearnSettings;
import dev.begone.pipeline.ScanResult;
import dev.begone.pipeline.ScanSettings;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.Session;
import dev.begone.progress.ProgressBars;
import dev.begone.rules.DeleteThresholdTooLowException;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.AccountLock;
import dev.begone.state.StateException;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
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

/** isbg's whole command line, same names, defaults and exit codes, on begone's engine. */
@Command(
        name = "isbg",
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {
            "Scans an IMAP inbox for spam and files it, learns from training folders (drop-in for isbg 2.3.1).",
            "Your inbox remains untouched unless you specify --flag or --delete."
        })
final class IsbgCommand implements Callable<Integer> {
    /** What isbg's --flag and --learnthenflag set. */
    private static final String FLAGGED = "\\Flagged";
    private static final Duration JOURNAL_RETENTION = Duration.ofDays(30);
    private static final Set<String> SPECIAL_USE =
            Set.of("\\all", "\\archive", "\\drafts", "\\flagged", "\\junk", "\\sent", "\\trash", "\\important");

    private final Map<String, String> env;
    private final ProgressBars bars;

    @Spec
    CommandSpec spec;

    @Mixin
    ClassifierOptions classifierOptions;

    @Option(names = "--imaphost", paramLabel = "hostname", description = "IMAP server name.")
    String imapHost;

    @Option(names = "--imapuser", paramLabel = "username", description = "Who you login as.")
    String imapUser;

    @Option(names = "--imaplist", description = "List imap directories.")
    boolean imapList;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show the help screen.")
    boolean help;

    @Option(names = "--usage", description = "Show the usage information.")
    boolean usage;

    @Option(names = "--version", versionHelp = true, description = "Show the version information.")
    boolean version;

    @Option(names = "--dryrun", description = "Do not actually make any changes (messages are still scored).")
    boolean dryRun;

    @Option(names = "--delete", description = "The spams will be marked for deletion from your inbox.")
    boolean delete;

    @Option(names = "--deletehigherthan", paramLabel = "#", description = "Delete any spam with a score higher than #, on the classifier's own scale "
            + "(builtin and fusions: 0 to 100, spam above 98; spamd, spamassassin: SpamAssassin points, spam from 5 by default; "
            + "rspamd: Rspamd points); # must be above the classifier's spam threshold.")
    Double deleteHigherThan;

    @Option(names = "--exitcodes", description = "Use exitcodes to detail what happened.")
    boolean exitCodes;

    @Option(names = "--expunge", description = "Cause marked for deletion messages to also be deleted (only useful if --delete is specified).")
    boolean expunge;

    @Option(names = "--flag", description = "The spams will be flagged in your inbox.")
    boolean flag;

    @Option(names = "--gmail", description = "Delete by copying to the Trash folder (found by its \\Trash SPECIAL-USE attribute).")
    boolean gmail;

    @Option(names = "--ignorelockfile", description = "Don't stop if lock file is present.")
    boolean ignoreLockFile;

    @Option(names = "--imappasswd", paramLabel = "passwd", description = "IMAP account password (visible to every user through ps: prefer --password-command or --password-env).")
    String imapPasswd;

    @Option(names = "--imapport", paramLabel = "port", description = "Use a custom port (default 993, or 143 with --nossl).")
    Integer imapPort;

    @Option(names = "--imapinbox", paramLabel = "mbox", defaultValue = "INBOX", description = "Name of your inbox folder (default: ${DEFAULT-VALUE}).")
    String imapInbox;

    @Option(names = "--learnspambox", paramLabel = "mbox", description = "Name of your learn spam folder.")
    String learnSpamBox;

    @Option(names = "--learnhambox", paramLabel = "mbox", description = "Name of your learn ham folder.")
    String learnHamBox;

    @Option(names = "--learnthendestroy", description = "Mark learnt messages for deletion.")
    boolean learnThenDestroy;

    @Option(names = "--learnthenflag", description = "Flag learnt messages.")
    boolean learnThenFlag;

    @Option(names = "--learnunflagged", description = "Only learn if unflagged (for --learnthenflag).")
    boolean learnUnflagged;

    @Option(names = "--learnflagged", description = "Only learn flagged.")
    boolean learnFlagged;

    @Option(names = "--lockfilegrace", paramLabel = "min", defaultValue = "240", description = "Set the lifetime of the lock file (default: ${DEFAULT-VALUE} minutes).")
    double lockFileGrace;

    @Option(names = "--lockfilename", paramLabel = "file", description = "Override the lock file name.")
    Path lockFileName;

    @Option(names = "--maxsize", paramLabel = "numbytes", defaultValue = "120000", description = "Messages larger than this will be ignored as they are unlikely to be spam (default: ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--movehamto", paramLabel = "mbox", description = "Move learnt ham to folder.")
    String moveHamTo;

    @Option(names = "--noninteractive", description = "Prevent interactive requests.")
    boolean nonInteractive;

    @Option(names = "--noreport", description = "Don't include the SpamAssassin report in the message copied to your spam folder.")
    boolean noReport;

    @Option(names = "--timings", description = "Print where the run's time went (start-up, login, search, fetch, classify, act, state) as one line on stderr.")
    boolean showTimings;

    /** Set by --timings. */
    private Timings timings;

    @Option(names = "--nostats", description = "Don't print stats.")
    boolean noStats;

    @Option(names = "--partialrun", paramLabel = "num", defaultValue = "50", description = "Stop operation after scanning 'num' unseen emails, newest first. Use 0 to run without partial run (default: ${DEFAULT-VALUE}).")
    int partialRun;

    @Option(names = "--passwdfilename", paramLabel = "fn", description = "Use a file to supply the password (and, with --savepw, to store it).")
    Path passwdFileName;

    @Option(names = "--savepw", description = "Store the password to be used in future runs, in plain text in a file only you can read.")
    boolean savePw;

    @Option(names = "--spaminbox", paramLabel = "mbox", defaultValue = "INBOX.Spam", description = "Name of your spam folder (default: ${DEFAULT-VALUE}).")
    String spamInbox;

    @Option(names = "--nossl", description = "Don't use implicit TLS: connect to port 143 and require STARTTLS.")
    boolean noSsl;

    @Option(names = "--teachonly", description = "Don't search spam, just learn from folders.")
    boolean teachOnly;

    @Option(names = "--trackfile", paramLabel = "file", description = "Override the state file (an SQLite database of scanned and learned messages).")
    Path trackFile;

    @Option(names = "--verbose", description = "Show IMAP stuff happening (passwords redacted).")
    boolean verbose;

    @Option(names = "--verbose-mails", description = "Show mail bodies (extra-verbose).")
    boolean verboseMails;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "Trust the PEM certificate(s) in FILE for the IMAP server, besides the system trust store.")
    Path tlsCa;

    @Option(names = "--tls-insecure", description = "Skip TLS certificate and host name verification (a warning is printed on every run).")
    boolean tlsInsecure;

    @Option(names = "--allow-plaintext", description = "With --nossl: continue without TLS when the server offers no STARTTLS.")
    boolean allowPlaintext;

    @Option(names = "--password-command", paramLabel = "CMD", description = "Run CMD (with /bin/sh) and read the password from the first line it prints.")
    String passwordCommand;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from environment variable VAR.")
    String passwordEnv;

    /** @param bars where a scan of many new messages shows its progress */
    IsbgCommand(Map<String, String> env, ProgressBars bars) {
        this.env = env;
        this.bars = bars;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (usage) {
            out.print(spec.commandLine().getHelp().synopsis(0));
            return ExitCode.OK.code();
        }
        validate();
        if (showTimings) timings = new Timings();
        int port = imapPort != null ? imapPort : noSsl ? 143 : 993;
        String account = AccountWiring.mailboxKey(imapUser, imapHost, port);
        String spelledAccount = imapUser + "@" + imapHost + ":" + port;
        StatePaths paths = StatePaths.defaults(env);
        if (tlsInsecure) err.println("begone: warning: --tls-insecure: the server's certificate is NOT verified; anyone on the path can read your mail and password");
        if (imapPasswd != null) err.println("begone: warning: --imappasswd puts the password where every user can see it (ps); prefer --password-command or --password-env");

        Path passwordFile = passwdFileName != null ? passwdFileName : paths.passwordFile(account);
        Path spelledPasswordFile = paths.passwordFile(spelledAccount);
        // A password saved by an earlier begone under the host as spelled on the command line is still found.
        if (passwdFileName == null && !Files.exists(passwordFile) && Files.isRegularFile(spelledPasswordFile)) {
            passwordFile = spelledPasswordFile;
        }
        Secret password = Passwords.resolve(new Passwords.Sources(passwordCommand, passwordEnv, imapPasswd, passwdFileName,
                passwdFileName == null ? passwordFile : null, !nonInteractive), env, account);
        if (passwdFileName == null) passwordFile = paths.passwordFile(account);

        ImapSettings imap = ImapSettings.builder(imapHost, port, imapUser, password, noSsl ? TlsMode.STARTTLS : TlsMode.IMPLICIT)
                .allowPlaintext(allowPlaintext)
                .trustCa(tlsCa)
                .insecure(tlsInsecure)
                .trace(verbose ? Verbose.traceStream(err) : null)
                .maxLiteralBytes(AccountWiring.maxLiteralBytes(maxSize))
                .build();

        try (AccountLock lock = dryRun ? null : AccountLock.acquire(
                        lockFileName != null ? lockFileName : paths.lockFile(account),
                        Duration.ofSeconds(Math.round(lockFileGrace * 60)), ignoreLockFile);
                MailStore store = timed("login", () -> AccountWiring.connect(imap, IsbgCommand::advice))) {
            if (lock != null) lock.warning().ifPresent(w -> err.println("begone: warning: " + w));
            if (savePw && dryRun) {
                err.println("begone: --dryrun: the password is not saved");
            } else if (savePw) {
                Passwords.save(password, passwordFile);
                err.println("begone: password saved in plain text to " + passwordFile + " (readable only by you)");
            }
            // isbg logs the list and its statistics through Python logging, i.e. to stderr; scripts rely on that.
            if (imapList) {
                for (FolderInfo f : store.listFolders()) {
                    List<String> specialUse = f.attributes().stream().filter(IsbgCommand::isSpecialUse).sorted().toList();
                    err.println(f.name() + (specialUse.isEmpty() ? "" : "  " + String.join(" ", specialUse)));
                }
                return ExitCode.OK.code();
            }
            return scanAndLearn(store, account, spelledAccount, err);
        }
    }

    /** Something that opens a resource, for {@link #timed}. */
    private interface Opening<T> {
        T open() throws IOException;
    }

    /** Runs {@code opening}, timed for --timings. */
    private <T> T timed(String stage, Opening<T> opening) throws IOException {
        long started = System.nanoTime();
        T result = opening.open();
        if (timings != null) timings.measured(stage, System.nanoTime() - started);
        return result;
    }

    private int scanAndLearn(MailStore store, String account, String spelledAccount, PrintWriter err)
            throws IOException {
        String trash = gmail ? store.folderWithSpecialUse("\\Trash").orElseThrow(() -> new dev.begone.imap.MailStoreException(
                "--gmail: the server lists no folder with the \\Trash SPECIAL-USE attribute")) : null;
        requireFolder(store, imapInbox, "--imapinbox");
        if (!teachOnly) requireFolder(store, spamInbox, "--spaminbox");
        if (learnSpamBox != null) requireFolder(store, learnSpamBox, "--learnspambox");
        if (learnHamBox != null) requireFolder(store, learnHamBox, "--learnhambox");
        if (moveHamTo != null) requireFolder(store, moveHamTo, "--movehamto");
        Verbose listener = Verbose.isbg(err, verbose, verboseMails);
        ExecutorService pool = Executors.newFixedThreadPool(classifierOptions.jobs());
        StatePaths paths = StatePaths.defaults(env);
        if (!dryRun && !spelledAccount.equals(account)) adoptSpelledModel(paths, spelledAccount, account);
        Set<String> hiddenEnvironment = passwordEnv == null ? Set.of() : Set.of(passwordEnv);
        try (StateStore state = openState(paths, account, spelledAccount);
                Classifier classifier = timed("classifier open", () -> classifierOptions.create("spamassassin",
                        paths.modelFile(account, "builtin"), env, hiddenEnvironment))) {
            // What an earlier begone kept under the host as spelled (IMAP.Example.org) moves to the lower-cased key.
            if (!dryRun && !spelledAccount.equals(account)) state.renameAccount(spelledAccount, account);
            AccountRun.Result result;
            // --verbose gives each message a line, which says how far the scan is and would break into a bar.
            try (ScanProgress progress = new ScanProgress(verbose || verboseMails ? ProgressBars.NONE : bars, "")) {
                List<PipelineListener> told = new ArrayList<>(List.of(progress, listener));
                if (timings != null) told.add(timings);
                Session session = new Session(store, state, account, classifier, pool, PipelineListener.all(told));
                result = AccountRun.run(session, plan(trash));
            } catch (DeleteThresholdTooLowException e) {
                throw deleteThresholdTooLow(e.spamThreshold());
            }
            if (!noStats) {
                for (AccountRun.Learnt l : result.learnt()) {
                    String what = l.label().lowerName() + "s";
                    err.println(l.stats().learned() + "/" + l.stats().toLearn() + " " + what + " learned");
                    listener.classifierFailures(what + " not learned", l.stats().skipped(), l.stats().failed());
                }
                for (AccountRun.Scanned s : result.scanned()) {
                    ScanResult scan = s.result();
                    err.println(scan.spam() + " spams found in " + scan.messages() + " messages");
                    err.println(scan.deleted() + "/" + scan.spam() + " was automatically deleted");
                    listener.classifierFailures("messages not scored", scan.skipped(), scan.failed());
                }
            }
            if (timings != null) timings.print(err, state.busyNanos());
            return exitCodes && !result.scanned().isEmpty() ? exitCodeFor(result.scanned().get(0).result()).code() : ExitCode.OK.code();
        } finally {
            pool.shutdownNow();
        }
    }

    /** isbg's options as one account's plan: learn spam, learn ham, scan the inbox. */
    private AccountRun.Plan plan(String trash) {
        List<LearnSettings> learn = new ArrayList<>();
        if (learnSpamBox != null) learn.add(learnSettings(learnSpamBox, Label.SPAM, trash));
        if (learnHamBox != null) learn.add(learnSettings(learnHamBox, Label.HAM, trash));
        List<ScanSettings> scan = new ArrayList<>();
        if (!teachOnly) {
            scan.add(ScanSettings.builder(imapInbox)
                    .spamFolder(spamInbox)
                    .maxSizeBytes(maxSize)
                    .partialRun(partialRun)
                    .withReport(!noReport)
                    .spamFlags(flag ? Set.of(FLAGGED) : Set.of())
                    .deleteSpam(delete)
                    .trashFolder(trash)
                    .expunge(expunge)
                    .plainExpunge(expunge)
                    .dryRun(dryRun)
                    .build());
        }
        return new AccountRun.Plan(learn, scan, new SpamPolicy(deleteHigherThan), dryRun, expunge, JOURNAL_RETENTION);
    }

    /**
     * Learnt ham goes to --movehamto even with --learnthendestroy: isbg copies it there before deleting, and
     * destroying it would lose the user's good mail. With --gmail, learnt spam is destroyed by copying it to the Trash.
     */
    private LearnSettings learnSettings(String folder, Label label, String trash) {
        LearnSettings.After after;
        if (label == Label.HAM && moveHamTo != null) after = new LearnSettings.After.Move(moveHamTo);
        else if (learnThenDestroy && trash != null && label == Label.SPAM) after = new LearnSettings.After.Copy(trash);
        else if (learnThenDestroy) after = new LearnSettings.After.Delete();
        else if (learnThenFlag) after = new LearnSettings.After.Flag(Set.of(FLAGGED));
        else after = new LearnSettings.After.Stay();
        return LearnSettings.builder(folder, label)
                .flagged(learnFlagged ? Boolean.TRUE : learnUnflagged ? Boolean.FALSE : null)
                .after(after)
                .expunge(expunge)
                .plainExpunge(expunge)
                .partialRun(partialRun)
                .dryRun(dryRun)
                .build();
    }

    /**
     * The mailbox's own state file, with what the shared file of earlier versions kept under either spelling moved over;
     * or the file --trackfile names, as it is. A dry run reads an in-memory copy.
     */
    private StateStore openState(StatePaths paths, String account, String spelledAccount) throws StateException {
        if (trackFile != null) return dryRun ? StateStore.openInMemoryCopy(trackFile) : StateStore.open(trackFile);
        return dryRun ? StateStore.openAccountInMemoryCopy(paths, account, spelledAccount)
                : StateStore.openAccount(paths, account, spelledAccount);
    }

    private static void adoptSpelledModel(StatePaths paths, String spelled, String account) throws IOException {
        Path old = paths.modelFile(spelled, "builtin");
        Path lowerCased = paths.modelFile(account, "builtin");
        if (Files.exists(old) && !Files.exists(lowerCased)) Files.move(old, lowerCased, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The option that gets past a TLS refusal. */
    private static String advice(TlsRefusedException.Remedy remedy) {
        return switch (remedy) {
            case ALLOW_PLAINTEXT -> "use --allow-plaintext";
            case SKIP_VERIFICATION -> "use --tls-insecure to skip the check";
            case TRUST_CERTIFICATE -> "use --tls-ca FILE to trust it, or --tls-insecure";
        };
    }

    /** A missing folder is the server's answer, as in isbg (whose SELECT fails): exit 11, not 10. */
    private static void requireFolder(MailStore store, String folder, String option) throws IOException {
        if (!store.exists(folder)) {
            throw new ExitException(ExitCode.IMAP_ERROR, option + " " + folder + ": no such folder on the server (--imaplist lists them)");
        }
    }

    /** RFC 6154's SPECIAL-USE attributes plus RFC 8457's \Important; the rest (\HasNoChildren, \UnMarked...) is not shown. */
    private static boolean isSpecialUse(String attribute) {
        return SPECIAL_USE.contains(attribute.toLowerCase(Locale.ROOT));
    }

    static ExitCode exitCodeFor(ScanResult scan) {
        if (scan.messages() == 0) return ExitCode.OK;
        if (scan.spam() == 0) return ExitCode.NEW_HAM;
        if (scan.spam() == scan.messages()) return ExitCode.NEW_SPAM;
        return ExitCode.NEW_MIXED;
    }

    private void validate() {
        if (imapHost == null || imapHost.isBlank()) throw ExitException.badArguments("--imaphost is required");
        if (imapUser == null || imapUser.isBlank()) throw ExitException.badArguments("--imapuser is required");
        if (deleteHigherThan != null && (deleteHigherThan.isNaN() || deleteHigherThan < 1)) {
            throw ExitException.badArguments("Score " + deleteHigherThan + " is too small for --deletehigherthan");
        }
        if (maxSize < 1) throw ExitException.badArguments("Size " + maxSize + " is too small for --maxsize");
        if (partialRun < 0) throw ExitException.badArguments("--partialrun must be 0 or higher, was " + partialRun);
        if (imapPort != null && (imapPort < 1 || imapPort > 65535)) throw ExitException.badArguments("--imapport " + imapPort + " is not a port");
        if (lockFileGrace < 0 || Double.isNaN(lockFileGrace)) throw ExitException.badArguments("--lockfilegrace must be 0 or more minutes");
        if (learnFlagged && learnUnflagged) throw ExitException.badArguments("--learnflagged and --learnunflagged exclude each other");
        if (tlsInsecure && tlsCa != null) throw ExitException.badArguments("--tls-insecure and --tls-ca exclude each other");
        if (allowPlaintext && !noSsl) throw ExitException.badArguments("--allow-plaintext only applies with --nossl");
        if (tlsCa != null && !Files.isReadable(tlsCa)) throw ExitException.badArguments("--tls-ca " + tlsCa + ": file cannot be read");
        int secretSources = (passwordCommand != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (imapPasswd != null ? 1 : 0);
        if (secretSources > 1) throw ExitException.badArguments("give only one of --password-command, --password-env and --imappasswd");
        if (teachOnly && learnSpamBox == null && learnHamBox == null) {
            throw ExitException.badArguments("--teachonly needs --learnspambox or --learnhambox");
        }
        classifierOptions.validate();
        ClassifierOptions.Scale scale = classifierOptions.scale("spamassassin");
        if (deleteHigherThan != null && scale.spamThreshold() != null && deleteHigherThan <= scale.spamThreshold()) {
            throw deleteThresholdTooLow(scale.spamThreshold());
        }
        // Filing into the folder being scanned, or learning from it, would handle the same messages over and over.
        if (!teachOnly && sameFolder(spamInbox, imapInbox)) {
            throw ExitException.badArguments("--spaminbox " + spamInbox + " is the scanned folder --imapinbox " + imapInbox
                    + ": spam would be filed where it is found, again on every run");
        }
        for (String[] box : new String[][] {{"--learnspambox", learnSpamBox}, {"--learnhambox", learnHamBox}}) {
            if (box[1] != null && sameFolder(box[1], imapInbox)) {
                throw ExitException.badArguments(box[0] + " " + box[1] + " is the scanned folder --imapinbox " + imapInbox
                        + ": a training folder must be a folder of its own");
            }
        }
    }

    private ExitException deleteThresholdTooLow(double spamThreshold) {
        ClassifierOptions.Scale scale = classifierOptions.scale("spamassassin");
        return ExitException.badArguments(String.format(Locale.ROOT,
                "--deletehigherthan %s is at or below the spam threshold %s of classifier %s (%s): every spam would be "
                        + "deleted without a copy; give a value above %s", number(deleteHigherThan), number(spamThreshold),
                scale.name(), scale.description(), number(spamThreshold)));
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** IMAP folder names are case-sensitive, except INBOX (RFC 3501 5.1). */
    private static boolean sameFolder(String a, String b) {
        return a.equals(b) || a.equalsIgnoreCase("INBOX") && b.equalsIgnoreCase("INBOX");
    }
}
