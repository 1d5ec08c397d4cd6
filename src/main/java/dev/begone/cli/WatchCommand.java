package dev.begone.cli;

import dev.begone.classify.OpenClassifiers;
import dev.begone.config.AccountConfig;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.config.Schedule;
import dev.begone.daemon.AccountWatcher;
import dev.begone.daemon.AccountWork;
import dev.begone.daemon.CycleSlots;
import dev.begone.daemon.ImapWaiters;
import dev.begone.daemon.Ticker;
import dev.begone.daemon.Watch;
import dev.begone.daemon.WatchListener;
import dev.begone.daemon.WatchedAccount;
import dev.begone.imap.MailStoreException;
import dev.begone.log.EventLog;
import dev.begone.log.LogFormat;
import dev.begone.metrics.Metrics;
import dev.begone.metrics.MetricsServer;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.StopSignal;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Keeps every configured account (or the named ones) filed while it runs: new mail as it arrives, training folders
 * on a schedule. Each account holds its lock, state and classifier for the life of the process; see
 * {@link AccountWatcher} for the connections, the schedule and the backoff.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {"Stays connected and files new mail as it arrives (IMAP IDLE, or polling where the server has "
                + "none); learns from the training folders, and from the user's moves into and out of the spam folder, "
                + "as they change, and at start and every few minutes.",
            "Stops on SIGTERM or SIGINT once the batch in hand is filed, and exits 0. Logs one line per event to "
                + "stderr, each naming its account. Serves /metrics and /healthz when the configuration has metrics."})
final class WatchCommand implements Callable<Integer> {
    /** Time to finish the batch in hand once asked to stop: within the 10 s service managers allow by default. */
    static final Duration GRACE = Duration.ofSeconds(8);
    /**
     * Cycles of all accounts at once, per core: a cycle mostly waits on the server and the disk, so a few per core
     * keep both busy while the first to come are filed first.
     */
    private static final int CYCLE_SLOTS_PER_CORE = 8;
    /** A cycle that waited this long for a slot runs without one: accounts stuck on a dead server hold up none. */
    private static final Duration CYCLE_PATIENCE = Duration.ofSeconds(30);
    /** Classifiers kept open at least, whatever the cores: eight built-in models take 128 MB. */
    private static final int OPEN_CLASSIFIERS = 8;

    private final Map<String, String> env;
    private final StopRequests stopRequests;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    AccountSelection selection;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default: 'account: message') or json "
            + "(one JSON object per line: ts, level, account, event, msg, details).")
    String logFormat = "text";

    @Option(names = "--periodic-minutes", paramLabel = "N", description = "Learn from the training folders and run "
            + "retention and archives every N minutes, in every account (default: each account's periodic-minutes, 10 "
            + "where the configuration gives none).")
    Integer periodicMinutes;

    @Option(names = "--poll-seconds", paramLabel = "N", description = "Where a server has no IDLE, ask it for new mail "
            + "every N seconds, in every account (default: each account's poll-seconds, 60 where the configuration gives "
            + "none).")
    Integer pollSeconds;

    WatchCommand(Map<String, String> env, StopRequests stopRequests) {
        this.env = env;
        this.stopRequests = stopRequests;
    }

    @Override
    public Integer call() throws ConfigException, IOException, InterruptedException {
        LogFormat format = switch (logFormat) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw ExitException.badArguments("--log-format must be text or json, not '" + logFormat + "'");
        };
        if (periodicMinutes != null && periodicMinutes < 1) {
            throw ExitException.badArguments("--periodic-minutes must be at least 1, not " + periodicMinutes);
        }
        if (pollSeconds != null && pollSeconds < 1) throw ExitException.badArguments("--poll-seconds must be at least 1, not " + pollSeconds);
        Configuration c = config.load(env);
        List<AccountConfig> chosen = selection.chosen(c);
        EventLog log = new EventLog(spec.commandLine().getErr(), format, Clock.systemUTC());
        Metrics metrics = new Metrics(chosen.stream().map(AccountConfig::name).toList());
        WatchListener listener = WatchListener.all(List.of(log.watchListener(), metrics));

        // Everything that can be wrong with the configuration fails here, before anything runs.
        List<ConfiguredAccount> accounts = new ArrayList<>();
        // A built-in model takes 16 MB in memory: a thousand accounts cannot all hold theirs. This many stay open (all of
        // them, with fewer accounts); a cycle waits for room only while as many others score or learn, mostly CPU work.
        OpenClassifiers openClassifiers = new OpenClassifiers(Math.max(OPEN_CLASSIFIERS, 2 * Runtime.getRuntime().availableProcessors()));
        try {
            List<AccountWatcher> watchers = new ArrayList<>();
            CycleSlots slots = new CycleSlots(CYCLE_SLOTS_PER_CORE * Runtime.getRuntime().availableProcessors(), CYCLE_PATIENCE);
            SecureRandom seeds = new SecureRandom();
            for (AccountConfig a : chosen) {
                PipelineListener told = PipelineListener.all(List.of(log.pipelineListener(a.name()),
                        metrics.pipelineListener(a.name()), new Steps()));
                ConfiguredAccount account = ConfiguredAccount.openSharing(a, env, classifier -> metrics.timed(a.name(), classifier),
                        openClassifiers);
                accounts.add(account);
                account.lockWarning().ifPresent(told::warning);
                List<String> training = new ArrayList<>(account.trainingFolders());
                Optional<String> spam = movesFolder(account, told);
                spam.filter(f -> !account.scannedFolders().contains(f)).ifPresent(training::add);
                Schedule schedule = schedule(a);
                WatchedAccount watched = new WatchedAccount(a.name(), account.scannedFolders(), training, schedule.periodic(),
                        ImapWaiters.opener(account::connect, schedule.poll(), spam.map(Set::of).orElse(Set.of()),
                                Set.copyOf(account.trainingFolders())),
                        new Cycles(account, told, slots));
                watchers.add(new AccountWatcher(watched, Ticker.of(Clock.systemUTC()), listener, seeds.nextLong()));
            }
            Watch watch = new Watch(watchers);
            CountDownLatch stopAsked = new CountDownLatch(1);
            stopRequests.onStop(stopAsked::countDown);
            try (MetricsServer server = c.metrics().isPresent()
                    ? MetricsServer.start(c.metrics().get().listen(), metrics, watch::health) : null) {
                watch.start();
                stopAsked.await();
                List<String> late = watch.stop(GRACE);
                for (String account : late) {
                    log.log(EventLog.Level.WARNING, account, "late", "still busy after " + GRACE.toSeconds()
                            + " s; its journal finishes the batch on the next start", Map.of());
                }
                // An account still running keeps its state and lock; the process ends around it.
                accounts.removeIf(a -> late.contains(a.name()));
            }
            return ExitCode.OK.code();
        } finally {
            try {
                closeAll(accounts);
            } finally {
                openClassifiers.close();
            }
        }
    }

    /** The account's schedule: its configuration's, where the command line does not give one for every account. */
    Schedule schedule(AccountConfig a) {
        return new Schedule(periodicMinutes == null ? a.schedule().periodic() : Duration.ofMinutes(periodicMinutes),
                pollSeconds == null ? a.schedule().poll() : Duration.ofSeconds(pollSeconds));
    }

    /**
     * The spam folder whose changes teach at once, if the account learns from the user's moves. One the server must
     * name by SPECIAL-USE while it cannot be reached is not waited on; the periodic cycle still learns from it.
     */
    private static Optional<String> movesFolder(ConfiguredAccount account, PipelineListener told) {
        try {
            return account.movesFolder();
        } catch (MailStoreException e) {
            told.warning("the spam folder cannot be looked up (" + e.getMessage() + "): moves into and out of it are "
                    + "learnt on the periodic cycle only, until begone watch restarts");
            return Optional.empty();
        }
    }

    /** A watcher's cycles as runs of the account's plan, narrowed to what the cycle is for. */
    private record Cycles(ConfiguredAccount account, PipelineListener listener, CycleSlots slots) implements AccountWork {
        @Override
        public void scan(Set<String> folders, StopSignal stop) throws Exception {
            slots.run(stop, () -> account.run(plan -> plan.scanOnly(folders), listener, stop));
        }

        @Override
        public void train(Set<String> folders, StopSignal stop) throws Exception {
            slots.run(stop, () -> account.run(plan -> plan.learningFrom(folders), listener, stop));
        }

        @Override
        public void periodic(StopSignal stop) throws Exception {
            slots.run(stop, () -> account.run(AccountRun.Plan::withoutScans, listener, stop));
        }
    }

    private static void closeAll(List<ConfiguredAccount> accounts) throws IOException {
        IOException first = null;
        for (ConfiguredAccount a : accounts) {
            try {
                a.close();
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
