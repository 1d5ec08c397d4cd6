package dev.begone.cli;

import static dev.begone.cli.MovingFromIsbg.DELETED_ARE_NOT_SCANNED;
import static dev.begone.cli.MovingFromIsbg.DELETED_COUNTS_DELETE;
import static dev.begone.cli.MovingFromIsbg.DRYRUN_SCORES;
import static dev.begone.cli.MovingFromIsbg.EXITCODES_WORK;
import static dev.begone.cli.MovingFromIsbg.EXPUNGE_ONLY_OWN;
import static dev.begone.cli.MovingFromIsbg.FLAG_DELETE_WORKS;
import static dev.begone.cli.MovingFromIsbg.IMAPLIST_SHOWS_SPECIAL_USE;
import static dev.begone.cli.MovingFromIsbg.IMAP_ERROR_EXITS_11;
import static dev.begone.cli.MovingFromIsbg.LEARNTHENFLAG_WORKS;
import static dev.begone.cli.MovingFromIsbg.MAXSIZE_INCLUDES_EXACT_SIZE;
import static dev.begone.cli.MovingFromIsbg.MOVEHAMTO_MOVES;
import static dev.begone.cli.MovingFromIsbg.NO_PASSWORD_EXITS_20;
import static dev.begone.cli.MovingFromIsbg.SPAM_COPY_KEEPS_FLAGS_AND_DATE;
import static dev.begone.cli.MovingFromIsbg.TEACHONLY_NEEDS_A_FOLDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Spamd;
import dev.begone.testing.TestMail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drop-in promise, tested the only way that counts: isbg 2.3.1 and {@code begone isbg} run with the same options
 * on identical Dovecot mailboxes (isbg as alice, begone as bob), and everything an isbg user's scripts can see must
 * match: every folder's messages with their \Seen, \Flagged and \Deleted flags (and whether a copy kept its arrival
 * date), each run's exit code, and the summary lines on stdout and on stderr. The only differences allowed are those
 * README.md lists under "Moving from isbg" ({@link MovingFromIsbg}); each option set names the ones it shows.
 *
 * <p>Scanning shares one spamd (it learns nothing: bayes_auto_learn 0). Every option set that learns gives isbg and
 * begone a fresh spamd each, so neither trains a server the other, or a later set, uses.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IsbgDifferentialTest {
    private static final String ISBG_USER = "alice";
    private static final String BEGONE_USER = "bob";
    private static final Instant DELIVERED = Instant.parse("2026-01-02T08:00:00Z");

    @TempDir
    static Path shared;

    static Dovecot dovecot;
    static Spamd scanSpamd;

    @TempDir
    Path dir;

    /** The next learning set's two fresh spamds, started while earlier sets run (a spamd takes a second or more to load its rules). */
    static CompletableFuture<List<Spamd>> nextPair;
    static final List<CompletableFuture<Void>> stopping = new ArrayList<>();
    static final AtomicInteger spamds = new AtomicInteger();
    static int learningSetsLeft;

    @BeforeAll
    static void startServers() throws Exception {
        IsbgProgram.assumeInstalled();
        dovecot = Dovecot.start(Files.createDirectories(shared.resolve("dovecot")));
        scanSpamd = Spamd.start(Files.createDirectories(shared.resolve("spamd")));
        learningSetsLeft = (int) optionSets().filter(OptionSet::learns).count();
        if (learningSetsLeft > 0) nextPair = startPair();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (nextPair != null) stopping.add(nextPair.thenAccept(IsbgDifferentialTest::stop));
        for (CompletableFuture<Void> f : stopping) f.get(2, TimeUnit.MINUTES);
        if (scanSpamd != null) scanSpamd.close();
        if (dovecot != null) dovecot.close();
    }

    /** One after the other: two spamds loading their rules at once only slow each other down. */
    private static CompletableFuture<List<Spamd>> startPair() {
        return CompletableFuture.supplyAsync(() -> List.of(startSpamd(), startSpamd()));
    }

    /** A fresh spamd in the class's directory, which outlives the test that used it until it has stopped. */
    private static Spamd startSpamd() {
        return unchecked(() -> Spamd.start(Files.createDirectories(shared.resolve("spamd-" + spamds.incrementAndGet()))));
    }

    /** Takes the prefetched pair of fresh spamds and starts the next one if another learning set follows. */
    private static List<Spamd> takePair() throws Exception {
        CompletableFuture<List<Spamd>> pair = nextPair != null ? nextPair : startPair();
        nextPair = --learningSetsLeft > 0 ? startPair() : null;
        return join(pair);
    }

    private static void stop(List<Spamd> pair) {
        for (Spamd s : pair) unchecked(() -> {
            s.close();
            return null;
        });
    }

    /** A message put into a folder before the runs: X-Marker h… for ham, s… for spam. */
    record Seed(String folder, String marker, byte[] raw, Set<String> flags) {}

    /**
     * One isbg command line and the mailbox it runs on.
     *
     * @param runs        how often it runs (the second run of --partialrun continues where the first stopped)
     * @param learns      gives each program its own spamd
     * @param standalone  begone runs in its own JVM, so that the standalone spamassassin and sa-learn it calls are
     *                    the wrapped ones on the PATH it is given, as isbg's are
     * @param password    whether the programs are given a password file (without one, --noninteractive must stop them)
     * @param differences what README's "Moving from isbg" says begone does differently here
     */
    record OptionSet(String name, List<String> args, List<Seed> seeds, int runs, boolean learns, boolean standalone,
                     boolean password, Set<MovingFromIsbg> differences) {
        @Override
        public String toString() {
            return name;
        }

        boolean has(String option) {
            return args.contains(option);
        }

        String value(String option) {
            int at = args.indexOf(option);
            return at < 0 ? null : args.get(at + 1);
        }
    }

    private static OptionSet set(String args, List<Seed> seeds, MovingFromIsbg... differences) {
        return set(args, args, seeds, differences);
    }

    private static OptionSet set(String name, String args, List<Seed> seeds, MovingFromIsbg... differences) {
        List<String> list = args.isEmpty() ? List.of() : List.of(args.split(" "));
        // A training folder that does not exist stops both before they learn anything.
        boolean learns = (list.contains("--learnspambox") || list.contains("--learnhambox")) && !list.contains("Nowhere");
        EnumSet<MovingFromIsbg> d = EnumSet.noneOf(MovingFromIsbg.class);
        d.addAll(Arrays.asList(differences));
        return new OptionSet(name, list, seeds, name.contains("twice") ? 2 : 1, learns, !list.contains("--spamc"),
                !name.contains("without a password"), d);
    }

    // The mailboxes.

    private static Seed ham(String folder, int n, String... flags) {
        return seed(folder, "h" + n, TestMail.ham(n), flags);
    }

    private static Seed spam(String folder, int n, String... flags) {
        return seed(folder, "s" + n, TestMail.spam(n), flags);
    }

    private static Seed seed(String folder, String marker, byte[] message, String... flags) {
        byte[] header = ("X-Marker: " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[header.length + message.length];
        System.arraycopy(header, 0, raw, 0, header.length);
        System.arraycopy(message, 0, raw, header.length, message.length);
        return new Seed(folder, marker, raw, Set.of(flags));
    }

    /** Ten messages, newest last: ham and spam, some read, some flagged, one ham already marked \Deleted. */
    static List<Seed> inbox() {
        return List.of(ham("INBOX", 1), spam("INBOX", 1), ham("INBOX", 2, "\\Seen"), ham("INBOX", 3, "\\Flagged"),
                spam("INBOX", 2, "\\Seen"), ham("INBOX", 4), ham("INBOX", 5, "\\Deleted"), spam("INBOX", 3, "\\Flagged"),
                ham("INBOX", 6, "\\Seen"), spam("INBOX", 4));
    }

    /** {@link #inbox()} without the message marked \\Deleted, whose absence from begone's scans would shift --partialrun. */
    static List<Seed> inboxNothingDeleted() {
        return inbox().stream().filter(s -> !s.flags().contains("\\Deleted")).toList();
    }

    /** One ham and one spam: SpamAssassin's standalone program loads every rule for each message it scores. */
    static List<Seed> smallInbox() {
        return List.of(ham("INBOX", 1), spam("INBOX", 1, "\\Seen"));
    }

    /** Training folders (some flagged, for --learnflagged and --learnunflagged), a folder for --movehamto, and an inbox. */
    static List<Seed> training() {
        List<Seed> seeds = new ArrayList<>(List.of(
                spam("LearnSpam", 11), spam("LearnSpam", 12, "\\Flagged"), spam("LearnSpam", 13, "\\Seen"),
                ham("LearnHam", 11, "\\Seen"), ham("LearnHam", 12), ham("LearnHam", 13, "\\Flagged")));
        seeds.addAll(smallInbox());
        return seeds;
    }

    /** One spam and one ham to train: sa-learn, like spamassassin, loads every rule for each message. */
    static List<Seed> smallTraining() {
        return List.of(spam("LearnSpam", 11), ham("LearnHam", 11, "\\Seen"), ham("INBOX", 1));
    }

    /** Messages around --maxsize 2000: one smaller, one of exactly 2000 bytes, one larger. */
    static List<Seed> sizes() {
        return List.of(padded(ham("INBOX", 1), 1999), padded(ham("INBOX", 2), 2000), padded(spam("INBOX", 3), 2000),
                padded(spam("INBOX", 4), 2001), spam("INBOX", 5));
    }

    private static Seed padded(Seed s, int size) {
        int pad = size - s.raw().length - 2;
        if (pad < 0) throw new IllegalArgumentException(s.marker() + " is already " + s.raw().length + " bytes");
        byte[] raw = Arrays.copyOf(s.raw(), size);
        Arrays.fill(raw, s.raw().length, size - 2, (byte) 'x');
        raw[size - 2] = '\r';
        raw[size - 1] = '\n';
        return new Seed(s.folder(), s.marker(), raw, s.flags());
    }

    static Stream<OptionSet> optionSets() {
        return Stream.of(
                set("default scan (standalone spamassassin)", "", smallInbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE),
                set("--spamc", inbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED),
                set("--spamc --flag", inbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED),
                set("--spamc --delete", inbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED, DELETED_COUNTS_DELETE),
                set("--spamc --delete --expunge", inbox(),
                        SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED, DELETED_COUNTS_DELETE, EXPUNGE_ONLY_OWN),
                set("--spamc --deletehigherthan 500", inbox(), DELETED_ARE_NOT_SCANNED),
                set("--spamc --deletehigherthan 500 --expunge", inbox(), DELETED_ARE_NOT_SCANNED, EXPUNGE_ONLY_OWN),
                set("--spamc --noreport", inbox(), DELETED_ARE_NOT_SCANNED),
                set("--spamc --noreport --delete --expunge", inbox(), DELETED_ARE_NOT_SCANNED, DELETED_COUNTS_DELETE, EXPUNGE_ONLY_OWN),
                set("--spamc --nostats", inbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE),
                set("--spamc --partialrun 4, twice", "--spamc --partialrun 4", inboxNothingDeleted(), SPAM_COPY_KEEPS_FLAGS_AND_DATE),
                set("--spamc --maxsize 2000", sizes(), SPAM_COPY_KEEPS_FLAGS_AND_DATE, MAXSIZE_INCLUDES_EXACT_SIZE),
                set("--spamc --dryrun", inbox(), DRYRUN_SCORES, DELETED_ARE_NOT_SCANNED),
                set("--spamc --exitcodes", inbox(), SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED, EXITCODES_WORK),
                set("--spamc --flag --delete", inbox(), FLAG_DELETE_WORKS, SPAM_COPY_KEEPS_FLAGS_AND_DATE, DELETED_ARE_NOT_SCANNED),
                set("--imaplist", inbox(), IMAPLIST_SHOWS_SPECIAL_USE),
                set("--spamc --spaminbox Nowhere --exitcodes", inbox()),
                set("--spamc --spaminbox Nowhere", inbox(), IMAP_ERROR_EXITS_11),
                set("--teachonly", inbox(), TEACHONLY_NEEDS_A_FOLDER),
                set("--spamc, without a password", "--spamc", inbox(), NO_PASSWORD_EXITS_20),
                set("--maxsize 0", List.of()),
                set("--maxsize many", List.of()),
                set("--partialrun -1", List.of()),
                set("--partialrun some", List.of()),
                set("--deletehigherthan 0.5", List.of()),
                set("--deletehigherthan high", List.of()),
                set("--spamc --learnspambox LearnSpam --learnhambox LearnHam --learnthendestroy", training(),
                        SPAM_COPY_KEEPS_FLAGS_AND_DATE),
                set("--spamc --teachonly --learnspambox LearnSpam --learnhambox LearnHam --learnunflagged --learnthenflag",
                        training(), LEARNTHENFLAG_WORKS),
                set("--spamc --teachonly --learnspambox LearnSpam --learnhambox LearnHam --learnflagged --movehamto Archive",
                        withArchive(training()), MOVEHAMTO_MOVES),
                set("--teachonly --learnspambox LearnSpam --learnhambox LearnHam", smallTraining()),
                set("--spamc --teachonly --learnspambox Nowhere --exitcodes", training()));
    }

    private static List<Seed> withArchive(List<Seed> seeds) {
        List<Seed> all = new ArrayList<>(seeds);
        all.add(ham("Archive", 20));
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionSets")
    void begoneShowsWhatIsbgShowsApartFromTheDocumentedDifferences(OptionSet set) throws Exception {
        long t0 = System.nanoTime();
        Map<String, Instant> delivered = deliveryDates(set.seeds());
        CompletableFuture<Void> isbgMailbox = CompletableFuture.runAsync(() -> unchecked(() -> fill(ISBG_USER, set.seeds())));
        fill(BEGONE_USER, set.seeds());
        join(isbgMailbox);

        List<Spamd> pair = set.learns() ? takePair() : List.of(scanSpamd, scanSpamd);
        long t1 = System.nanoTime();
        Spamd isbgSpamd = pair.get(0);
        Spamd begoneSpamd = pair.get(1);
        try {
            IsbgProgram isbg = new IsbgProgram(Files.createDirectories(dir.resolve("isbg")), isbgSpamd);
            IsbgProgram begoneTools = new IsbgProgram(Files.createDirectories(dir.resolve("begone")), begoneSpamd);
            List<String> isbgArgs = isbgArgs(set, isbg);
            List<String> begoneArgs = begoneArgs(set, begoneSpamd, begoneTools);
            boolean everyLine = set.has("--imaplist");

            long t2 = System.nanoTime();
            long[] isbgDone = new long[1];
            CompletableFuture<List<IsbgCli.Run>> isbgRuns = CompletableFuture.supplyAsync(() -> {
                List<IsbgCli.Run> runs = new ArrayList<>();
                for (int i = 0; i < set.runs(); i++) runs.add(unchecked(() -> isbg.run(isbgArgs)));
                isbgDone[0] = System.nanoTime();
                return runs;
            });
            IsbgCli begone = new IsbgCli(begoneTools.home());
            begoneTools.environment().forEach(begone::env);
            List<IsbgCli.Run> begoneRuns = new ArrayList<>();
            for (int i = 0; i < set.runs(); i++) {
                begoneRuns.add(set.standalone() ? begone.runInChildJvm(List.of(), begoneArgs) : begone.run(begoneArgs));
            }

            long begoneDone = System.nanoTime();
            List<IsbgCli.Run> isbgOutput = join(isbgRuns);
            CompletableFuture<IsbgOutcome> isbgOutcome =
                    CompletableFuture.supplyAsync(() -> unchecked(() -> outcome(isbgOutput, ISBG_USER, delivered, everyLine)));
            IsbgOutcome fromBegone = outcome(begoneRuns, BEGONE_USER, delivered, everyLine);
            IsbgOutcome fromIsbg = join(isbgOutcome);
            IsbgOutcome expected = MovingFromIsbg.expectedOfBegone(set, fromIsbg);
            System.out.printf("%s: fill %.1f s, spamd %.1f s, isbg %.1f s, begone %.1f s, read %.1f s%n", set,
                    seconds(t1 - t0), seconds(t2 - t1), seconds(isbgDone[0] - t2), seconds(begoneDone - t2),
                    seconds(System.nanoTime() - Math.max(begoneDone, isbgDone[0])));
            assertEquals(expected.toString(), fromBegone.toString(), () -> "option set " + set
                    + "\nisbg 2.3.1 as it was (the expected outcome is this with " + set.differences() + "):\n" + fromIsbg
                    + "\nisbg's output:\n" + isbgOutput + "\nbegone's output:\n" + begoneRuns);
        } finally {
            if (set.learns()) stopping.add(CompletableFuture.runAsync(() -> stop(pair)));
        }
    }

    @Test
    void everyDocumentedDifferenceIsInTheReadmesMovingFromIsbgSection() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Moving from isbg");
        assertTrue(start >= 0, "README.md has no \"## Moving from isbg\" section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end).replaceAll("\\s+", " ");
        for (MovingFromIsbg d : MovingFromIsbg.values()) {
            assertTrue(section.contains(d.readme()), d + ": README's \"Moving from isbg\" does not say: " + d.readme());
        }
    }

    private static List<String> common(OptionSet set, String user, Path passwordFile) {
        List<String> args = new ArrayList<>(List.of("--imaphost", "127.0.0.1", "--imapport",
                String.valueOf(dovecot.imapsPort()), "--imapuser", user, "--noninteractive"));
        if (set.password()) args.addAll(List.of("--passwdfilename", passwordFile.toString()));
        if (!set.has("--spaminbox")) args.addAll(List.of("--spaminbox", "Junk"));
        args.addAll(set.args());
        return args;
    }

    private static List<String> isbgArgs(OptionSet set, IsbgProgram isbg) throws IOException {
        return common(set, ISBG_USER, isbg.passwordFile(Dovecot.PASSWORDS.get(ISBG_USER)));
    }

    /**
     * isbg's arguments, the password in a file as isbg keeps it, plus what begone needs beyond them: trust for
     * Dovecot's own certificate, and where spamd is.
     */
    private List<String> begoneArgs(OptionSet set, Spamd spamd, IsbgProgram tools) throws IOException {
        List<String> args = new ArrayList<>(List.of("isbg"));
        args.addAll(common(set, BEGONE_USER, tools.passwordFile(Dovecot.PASSWORDS.get(BEGONE_USER))));
        args.addAll(List.of("--tls-ca", dovecot.certPem().toString(), "--spamd", "127.0.0.1:" + spamd.port()));
        return args;
    }

    private static ImapSettings settings(String user) {
        return dovecot.settings(user, TlsMode.IMPLICIT);
    }

    /** The arrival date each seed is delivered with: a minute apart, long before any run. */
    private static Map<String, Instant> deliveryDates(List<Seed> seeds) {
        Map<String, Instant> dates = new HashMap<>();
        for (int i = 0; i < seeds.size(); i++) dates.put(seeds.get(i).marker(), DELIVERED.plusSeconds(60L * i));
        return dates;
    }

    /** Empties every folder of {@code user} and delivers the seeds with their flags and arrival dates. */
    private static Void fill(String user, List<Seed> seeds) throws IOException {
        Map<String, Instant> dates = deliveryDates(seeds);
        try (MailStore store = ImapMailStore.connect(settings(user))) {
            for (var folder : store.listFolders()) {
                try (MailStore.OpenFolder f = store.open(folder.name(), false)) {
                    UidSet all = f.search(SearchCriteria.all());
                    if (all.isEmpty()) continue;
                    f.addFlags(all, Set.of("\\Deleted"));
                    f.expungeAll();
                }
            }
            for (Seed s : seeds) {
                if (!store.exists(s.folder())) store.create(s.folder());
                store.append(s.folder(), s.raw(), s.flags(), dates.get(s.marker()));
            }
        }
        return null;
    }

    private static IsbgOutcome outcome(List<IsbgCli.Run> runs, String user, Map<String, Instant> delivered,
                                       boolean everyLine) throws IOException {
        IsbgOutcome o = new IsbgOutcome();
        for (IsbgCli.Run r : runs) o.runs.add(IsbgOutcome.Run.of(r, everyLine));
        o.readMailbox(settings(user), delivered);
        return o;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private interface Action<T> {
        T run() throws Exception;
    }

    private static <T> T unchecked(Action<T> action) {
        try {
            return action.run();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CompletionException c && c.getCause() instanceof Exception inner) throw inner;
            throw e;
        }
    }
}
