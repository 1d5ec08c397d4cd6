package dev.begone.bench;

import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import dev.begone.imap.MailStore;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.state.StateStore;
import dev.begone.testing.Dovecot;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import dev.begone.testing.TestMail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.io.PrintWriter;
import java.io.StringWriter;
import dev.begone.cli.Main;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bench/scan-spamd: begone's scan rate against real Dovecot + spamd beside spamd's raw rate on the same messages at
 * the same concurrency with no IMAP at all; then a run with nothing new on a 100,000-message folder. Prints figures;
 * asserts nothing.
 *
 * <p>Arguments: messages (default 400), jobs (default 2), big folder size (default 100000).
 */
public final class ScanSpamdBench {
    /** The launcher users run (it adds the class-data archive and native-access flags). */

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int big = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        Path corpus = SharedCorpus.root().orElseThrow(() -> new IllegalStateException("../shared/corpus not found"));
        Path tmp = Files.createTempDirectory("begone-bench");
        List<byte[]> messages = SharedCorpus.sample(corpus, n);
        System.out.printf("bench: %d corpus messages (%d bytes), jobs=%d, cores=%d%n", messages.size(),
                messages.stream().mapToLong(m -> m.length).sum(), jobs, Runtime.getRuntime().availableProcessors());

        try (Spamd spamd = Spamd.start(Files.createDirectories(tmp.resolve("spamd")), Spamd.Config.DEFAULT.withMaxChildren(jobs));
                Dovecot dovecot = Dovecot.start(Files.createDirectories(tmp.resolve("dovecot")))) {
            SpamdOptions spamdOptions = SpamdOptions.parse("127.0.0.1:" + spamd.port()).withMaxConcurrent(jobs);
            if (!messages.isEmpty()) scanRate(tmp, spamd, dovecot, spamdOptions, jobs, messages);
            nothingNewOnBigFolder(tmp, dovecot, big);
        }
    }

    private static void scanRate(Path tmp, Spamd spamd, Dovecot dovecot, SpamdOptions spamdOptions, int jobs,
            List<byte[]> messages) throws Exception {
        // spamd's children compile their rules lazily: one untimed pass over the same messages first.
        rawRate(spamdOptions, jobs, messages);

        double raw1 = rawRate(spamdOptions, jobs, messages);
        dovecot.deliver("alice", "INBOX", messages);
        Path home = Files.createDirectories(tmp.resolve("home-alice"));
        long t0 = System.nanoTime();
        BegoneChild.Run scan = runBegone(home, dovecot, "alice", List.of("--spamc", "--spamd", "127.0.0.1:" + spamd.port(),
                "--jobs", String.valueOf(jobs), "--partialrun", "0", "--maxsize", "100000000", "--noreport"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double begone = messages.size() / seconds;
        double raw2 = rawRate(spamdOptions, jobs, messages);
        double raw = (raw1 + raw2) / 2;
        System.out.print(scan.output());
        System.out.printf("spamd raw:   %.2f msgs/s (%.2f before, %.2f after the begone run)%n", raw, raw1, raw2);
        System.out.printf("begone scan: %.2f msgs/s (%d messages in %.2f s, whole process incl. JVM start, IMAP login, fetch, filing)%n",
                begone, messages.size(), seconds);
        System.out.printf("ratio begone/raw: %.3f%n", begone / raw);
        System.out.printf("begone peak RSS (scan of %d): %d MB%n", messages.size(), scan.peakRssKb() / 1024);
    }

    private static double rawRate(SpamdOptions options, int jobs, List<byte[]> messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try (SpamdClassifier spamd = new SpamdClassifier(options)) {
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (byte[] m : messages) futures.add(pool.submit(() -> spamd.classify(m)));
            for (Future<?> f : futures) f.get();
            return messages.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void nothingNewOnBigFolder(Path tmp, Dovecot dovecot, int count) throws Exception {
        List<byte[]> small = new ArrayList<>(count);
        for (int i = 0; i < count; i++) small.add(TestMail.ham(i));
        long t0 = System.nanoTime();
        dovecot.deliver("bob", "INBOX", small);
        System.out.printf("big folder: delivered %d messages in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
        Path home = Files.createDirectories(tmp.resolve("home-bob"));
        long uidValidity;
        UidSet all;
        try (MailStore store = ImapMailStore.connect(dovecot.settings("bob", TlsMode.IMPLICIT));
                MailStore.OpenFolder inbox = store.open("INBOX", true)) {
            uidValidity = inbox.uidValidity();
            all = inbox.search(SearchCriteria.all());
        }
        // Mark everything scanned as a previous run would have (scoring 100,000 messages is not what is measured).
        try (StateStore state = StateStore.open(home.resolve("state/begone/state.db"))) {
            state.addScanned("bob@127.0.0.1:" + dovecot.imapsPort(), "INBOX", uidValidity, all);
        }
        List<String> args = List.of("--partialrun", "0", "--noreport", "--verbose");
        runBegone(home, dovecot, "bob", args);
        BegoneChild.Run run = runBegone(home, dovecot, "bob", args);
        long commands = run.output().lines().filter(l -> l.matches("^[A-Z]+\\d+ [A-Z].*") && !l.matches("^[A-Z]+\\d+ (OK|NO|BAD)\\b.*")).count();
        System.out.printf("nothing new on %d messages: %.3f s wall (whole process incl. JVM start), %d IMAP commands, peak RSS %d MB%n",
                all.size(), run.seconds(), commands, run.peakRssKb() / 1024);
        System.out.println(run.output().lines().filter(l -> l.contains("spams found")).findFirst().orElse("(no stats line)"));

        BegoneChild.Run startup = runBegoneCommand(home, List.of("--version"));
        System.out.printf("for scale: `begone --version` (JVM start only) takes %.3f s wall, peak RSS %d MB%n",
                startup.seconds(), startup.peakRssKb() / 1024);
        List<String> inProcess = new ArrayList<>(begoneArgs(dovecot, "bob"));
        inProcess.addAll(List.of("--partialrun", "0", "--noreport"));
        Map<String, String> env = Map.of("PW", Dovecot.PASSWORDS.get("bob"), "HOME", home.toString(),
                "XDG_STATE_HOME", home.resolve("state").toString());
        for (int i = 1; i <= 3; i++) {
            StringWriter out = new StringWriter();
            long started = System.nanoTime();
            int exit = Main.run(inProcess.toArray(String[]::new), new PrintWriter(out), new PrintWriter(out), env);
            System.out.printf("nothing new on %d messages, in a running JVM (run %d): %.3f s, exit %d%n", all.size(), i,
                    (System.nanoTime() - started) / 1e9, exit);
        }
    }

    private static List<String> begoneArgs(Dovecot dovecot, String user) {
        return List.of("isbg", "--imaphost", "127.0.0.1", "--imapport", String.valueOf(dovecot.imapsPort()),
                "--imapuser", user, "--password-env", "PW", "--noninteractive", "--tls-ca", dovecot.certPem().toString(),
                "--spaminbox", "Junk");
    }

    private static BegoneChild.Run runBegone(Path home, Dovecot dovecot, String user, List<String> extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(begoneArgs(dovecot, user));
        args.addAll(extra);
        return runBegoneCommand(home, args, Map.of("PW", Dovecot.PASSWORDS.get(user)));
    }

    private static BegoneChild.Run runBegoneCommand(Path home, List<String> args) throws IOException, InterruptedException {
        return runBegoneCommand(home, args, Map.of());
    }

    private static BegoneChild.Run runBegoneCommand(Path home, List<String> args, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        return BegoneChild.run(home, args, extraEnv);
    }
}
