package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.OnDemandClassifier;
import dev.begone.classify.OpenClassifiers;
import dev.begone.config.AccountConfig;
import dev.begone.config.Training;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.HousekeepingSettings;
import dev.begone.pipeline.LearnSettings;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.ScanSettings;
import dev.begone.pipeline.Session;
import dev.begone.pipeline.StopSignal;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.AccountLock;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A configured account made ready to run for as long as a command needs it: checked against what this version
 * applies, its mailbox locked, its state and classifier open. {@code begone run} runs it once; {@code begone watch}
 * holds it for the life of the process and runs a narrowed plan per cycle, each on a connection of its own.
 */
final class ConfiguredAccount implements AutoCloseable {
    /**
     * Prefix of the state key of a configured account. No isbg key ({@code user@host:port}, whose last colon follows an
     * {@code @}) can look like it, since account names hold no colon.
     */
    static final String STATE_KEY_PREFIX = "config:";
    /** A lock file isbg left without an OS lock counts as held this long, as isbg's default --lockfilegrace. */
    private static final Duration LOCK_GRACE = Duration.ofMinutes(240);
    private static final Duration JOURNAL_RETENTION = Duration.ofDays(30);
    /** How long a classifier thread outlives its work: a cycle's batches follow each other much faster. */
    private static final Duration POOL_IDLE = Duration.ofSeconds(10);

    private final AccountConfig account;
    private final ImapSettings imap;
    private final AccountLock lock;
    private final StatePaths paths;
    /**
     * The state held open while the account is; null when each session opens its own, for an account held for long
     * among many: an open SQLite file takes about 340 KB outside the heap (340 MB for a thousand watched accounts),
     * and opening it again takes half a millisecond.
     */
    private final StateStore state;
    /** The classifier held while the account is open; null when each session opens its own on demand. */
    private final Classifier classifier;
    private final OnDemandClassifier.Opener opener;
    private final OpenClassifiers openClassifiers;
    private final ExecutorService pool;
    /** The connection of the last good cycle, for the next ({@link #withSession}); guarded by this. */
    private Connected kept;

    private ConfiguredAccount(AccountConfig account, ImapSettings imap, AccountLock lock, StatePaths paths, StateStore state,
            Classifier classifier, OnDemandClassifier.Opener opener, OpenClassifiers openClassifiers, ExecutorService pool) {
        this.account = account;
        this.imap = imap;
        this.lock = lock;
        this.paths = paths;
        this.state = state;
        this.classifier = classifier;
        this.opener = opener;
        this.openClassifiers = openClassifiers;
        this.pool = pool;
    }

    /**
     * Checks the account, resolves its password, takes its mailbox's lock and opens its state and classifier, the
     * latter as {@code wrap} returns it.
     */
    static ConfiguredAccount open(AccountConfig a, Map<String, String> env, UnaryOperator<Classifier> wrap)
            throws IOException, ClassifierException {
        return open(a, env, wrap, null);
    }

    /**
     * As {@link #open(AccountConfig, Map, UnaryOperator)}, but the classifier is taken from {@code openClassifiers} when
     * a session first uses it and given back at its end: for a process that holds many accounts open for long, so that
     * it keeps few models in memory at once.
     */
    static ConfiguredAccount openSharing(AccountConfig a, Map<String, String> env, UnaryOperator<Classifier> wrap,
            OpenClassifiers openClassifiers) throws IOException, ClassifierException {
        return open(a, env, wrap, Objects.requireNonNull(openClassifiers, "openClassifiers"));
    }

    private static ConfiguredAccount open(AccountConfig a, Map<String, String> env, UnaryOperator<Classifier> wrap,
            OpenClassifiers openClassifiers) throws IOException, ClassifierException {
        TrainingPlan.check(a);
        ImapSettings imap = AccountWiring.imapSettings(a.imap(), AccountWiring.password(a.imap().password(), env, a.name()))
                .toBuilder().maxLiteralBytes(AccountWiring.maxLiteralBytes(a.limits().maxSize())).build();
        StatePaths paths = StatePaths.defaults(env);
        AccountLock lock = AccountLock.acquire(paths.lockFile(AccountWiring.mailboxKey(a.imap().user(), a.imap().host(),
                a.imap().port())), LOCK_GRACE, false);
        StateStore state = null;
        Classifier classifier = null;
        OnDemandClassifier.Opener opener =
                () -> wrap.apply(AccountWiring.classifier(a.classifier(), paths.modelFile(stateKey(a.name()), "builtin")));
        try {
            // Opened here even when each session opens its own: a state file that cannot be opened or migrated fails
            // the account now, before anything runs.
            state = StateStore.openAccount(paths, stateKey(a.name()));
            if (openClassifiers == null) {
                classifier = opener.open();
            } else {
                AccountWiring.classifierOptions(a.classifier());
                state.close();
                state = null;
            }
            return new ConfiguredAccount(a, imap, lock, paths, state, classifier, opener, openClassifiers,
                    classifierPool(a.classifier().jobs(), openClassifiers != null));
        } catch (IOException | RuntimeException e) {
            closeAll(e, classifier, state, lock);
            throw e;
        }
    }

    /**
     * At most {@code jobs} classifier threads, which end after a while without work: an account that waits for mail
     * holds none, so a thousand watched accounts do not hold thousands of idle threads. Virtual ones for an account
     * held for long among many: a burst of mail to a thousand accounts started a few threads for each at once, 780
     * platform threads with their stacks; the work itself still runs on as many carrier threads as there are cores.
     */
    private static ExecutorService classifierPool(int jobs, boolean virtual) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(jobs, jobs, POOL_IDLE.toSeconds(), TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                virtual ? Thread.ofVirtual().name("classify-", 0).factory() : Executors.defaultThreadFactory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    String name() {
        return account.name();
    }

    /** What the user should know about the lock taken (a stale one taken over), if anything. */
    Optional<String> lockWarning() {
        return lock.warning();
    }

    /** The folders whose new mail is filed: those the configuration scans. */
    List<String> scannedFolders() {
        return account.folders().scan();
    }

    /** The training and whitelist folders: created when missing, since training creates them on first use. */
    List<String> trainingFolders() {
        Training t = account.training();
        List<String> out = new ArrayList<>(t.learnSpam());
        out.addAll(t.learnHam());
        out.addAll(t.allowSender());
        return List.copyOf(out);
    }

    /**
     * The spam folder when the user's moves into and out of it are learnt ({@code from-moves:}), else empty. One
     * found by its SPECIAL-USE attribute is looked up on a connection of its own.
     */
    Optional<String> movesFolder() throws MailStoreException {
        if (!account.training().fromMoves()) return Optional.empty();
        if (account.folders().spam().isPresent()) return account.folders().spam();
        try (MailStore store = connect()) {
            return store.folderWithSpecialUse(AccountWiring.JUNK);
        }
    }

    /** A new connection to the account's mailbox. */
    MailStore connect() throws MailStoreException {
        return AccountWiring.connect(imap, AccountWiring::configAdvice);
    }

    /**
     * Connects, checks the account's folders on the server and runs its plan as {@code narrow} leaves it.
     *
     * @param narrow what of the whole plan (learn from every training folder, scan every scanned folder) to run
     */
    AccountRun.Result run(UnaryOperator<AccountRun.Plan> narrow, PipelineListener listener, StopSignal stop)
            throws IOException, ClassifierException {
        return withSession(listener, stop, (session, folders) -> {
            AccountRun.Plan plan = narrow.apply(plan(account, folders));
            // Training folders and the folders learnt mail moves to are created when first used, as config check says.
            for (String f : TrainingPlan.foldersToCreate(plan)) if (!session.store().exists(f)) session.store().create(f);
            return AccountRun.run(session, plan);
        });
    }

    /** What is done with a session of the account, given its spam and trash folders on the server. */
    interface Work<T> {
        T run(Session session, AccountWiring.ServerFolders folders) throws IOException;
    }

    /**
     * Connects, checks the account's folders on the server and does {@code work} in a session on that connection. An
     * account held for long ({@link #openSharing}) keeps the connection of a cycle that went well for the next one,
     * with the folders it found: a thousand watched accounts would otherwise log in (a TLS handshake and a server
     * session or two) for every message that arrives. One that failed is closed: the next cycle starts afresh.
     */
    <T> T withSession(PipelineListener listener, StopSignal stop, Work<T> work) throws IOException {
        Connected c = takeKept();
        if (c == null) c = new Connected(connect(), null, 0);
        AccountWiring.ServerFolders folders;
        T result;
        try {
            folders = c.folders() != null ? c.folders() : AccountWiring.serverFolders(account, c.store());
            if (!folders.problems().isEmpty()) {
                throw ExitException.badArguments(String.join("; ", folders.problems()) + " (begone isbg --imaplist lists them)");
            }
            if (classifier != null) {
                result = work.run(new Session(c.store(), state, stateKey(account.name()), classifier, pool, listener, stop), folders);
            } else {
                // The account's own file alone: open() moved its rows out of a shared state.db of earlier versions
                // already, and looking there again every cycle would have cycles of all accounts wait on that file.
                try (StateStore sessionState = StateStore.open(paths.accountDb(stateKey(account.name())));
                        Classifier onDemand = OnDemandClassifier.sharing(account.classifier().name(), account.name(), opener, openClassifiers)) {
                    result = work.run(new Session(c.store(), sessionState, stateKey(account.name()), onDemand, pool, listener, stop), folders);
                }
            }
        } catch (Throwable e) {
            closeQuietly(c.store(), e);
            throw e;
        }
        if (openClassifiers != null) keep(new Connected(c.store(), folders, System.nanoTime()));
        else c.store().close();
        return result;
    }

    private synchronized Connected takeKeptAsIs() {
        Connected c = kept;
        kept = null;
        return c;
    }

    /** A logged-in connection and the account's folders as found on it; {@code keptAt} by {@link System#nanoTime}. */
    private record Connected(MailStore store, AccountWiring.ServerFolders folders, long keptAt) {}

    /**
     * The connection a cycle kept, if still fit to use: not kept too long, and answering a NOOP, one round trip that
     * spares a cycle failing on a connection the server dropped meanwhile (it restarted, or a NAT forgot it). Null
     * when there is none.
     */
    private Connected takeKept() {
        Connected c = takeKeptAsIs();
        if (c == null) return null;
        try {
            if (Duration.ofNanos(System.nanoTime() - c.keptAt()).compareTo(ImapSettings.KEPT_LOGGED_IN) < 0) {
                c.store().noop();
                return c;
            }
        } catch (MailStoreException e) {
            // A new login follows.
        }
        closeQuietly(c.store(), null);
        return null;
    }

    private void keep(Connected c) {
        Connected extra;
        synchronized (this) {
            extra = kept;
            kept = c;
        }
        // Two cycles of the account ran at once: one connection is enough to keep.
        if (extra != null) closeQuietly(extra.store(), null);
    }

    private static void closeQuietly(MailStore store, Throwable failure) {
        try {
            store.close();
        } catch (MailStoreException | RuntimeException e) {
            if (failure != null) failure.addSuppressed(e);
        }
    }

    /** The state key of a configured account; see {@link #STATE_KEY_PREFIX}. */
    static String stateKey(String account) {
        return STATE_KEY_PREFIX + account;
    }

    @Override
    public void close() throws IOException {
        Connected c = takeKeptAsIs();
        if (c != null) closeQuietly(c.store(), null);
        pool.shutdownNow();
        Exception failure = closeAll(null, classifier, state, lock);
        if (failure instanceof IOException e) throw e;
        if (failure instanceof RuntimeException e) throw e;
        if (failure != null) throw new IOException(failure);
    }

    /** Closes each resource (nulls skipped): the first failure is returned, later ones added to it. */
    private static Exception closeAll(Exception first, AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) continue;
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        return first;
    }

    /**
     * The account's configuration as a plan: learn from each training folder, file each scanned folder's new mail by
     * the delivery rules, then expire and archive old mail.
     */
    private static AccountRun.Plan plan(AccountConfig a, AccountWiring.ServerFolders folders) {
        List<LearnSettings> learn = TrainingPlan.learn(a, folders.trash());
        List<ScanSettings> scan = new ArrayList<>();
        for (String f : a.folders().scan()) {
            // Filed spam is moved: copied, then removed from the scanned folder once the copy is confirmed.
            scan.add(ScanSettings.builder(f)
                    .filing(a.filing())
                    .dropFolder(folders.trash())
                    .spamFolder(folders.spam())
                    // The take-back shows in the scanned folder before its removal from the spam folder may: learning
                    // from moves finds it there later, and must not find it filed again in between.
                    .sparesTakenBack(a.training().fromMoves())
                    .maxSizeBytes(a.limits().maxSize())
                    .partialRun(a.limits().partialRun())
                    .deleteSpam(true)
                    .expunge(true)
                    .build());
        }
        HousekeepingSettings housekeeping = new HousekeepingSettings(a.housekeeping(), folders.trash(), ZoneId.systemDefault(), false);
        return new AccountRun.Plan(learn, TrainingPlan.allowSenders(a), TrainingPlan.fromMoves(a, folders.spam(), folders.trash()),
                scan, new SpamPolicy(null), false, false, JOURNAL_RETENTION, housekeeping);
    }

}
