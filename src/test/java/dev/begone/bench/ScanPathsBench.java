package dev.begone.bench;

import dev.begone.classify.Classifier;
import dev.begone.classify.Label;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.classify.rspamd.RspamdClassifier;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import dev.begone.state.StatePaths;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Rspamd;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bench/scan-paths: for each classifier path, {@code begone isbg --delete --expunge} timed end to end through
 * {@code ./begone} (a fresh JVM) on new corpus messages in a real Dovecot over TLS, beside the ceiling measured in the
 * same run on the same messages: for builtin, a plain client fetching them with {@code UID FETCH BODY.PEEK[]} in
 * batches of 500 and the model's own classify rate; for spamd and Rspamd, the classifier's raw rate at the same
 * concurrency with no IMAP. Prints begone's rate, the ceiling, their ratio and begone's own time split
 * ({@code --timings}); asserts nothing.
 *
 * <p>Arguments: paths (default {@code builtin,spamd,rspamd}), jobs (default 2). Messages: 3,000 builtin, 600 spamd,
 * 1,000 rspamd; override with {@code -Dbench.builtin=N} and so on.
 */
public final class ScanPathsBench {
    private static final int FETCH_BATCH = 500;

    public static void main(String[] args) throws Exception {
        List<String> paths = List.of((args.length > 0 ? args[0] : "builtin,spamd,rspamd").split(","));
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path corpus = SharedCorpus.root().orElseThrow(() -> new IllegalStateException("../shared/corpus not found"));
        List<SharedCorpus.Entry> all = SharedCorpus.sampleEntries(corpus, Integer.MAX_VALUE);
        Path tmp = Files.createTempDirectory("begone-scan-paths");
        System.out.printf("bench: %d corpus messages, jobs=%d, cores=%d, %s%n", all.size(), jobs,
                Runtime.getRuntime().availableProcessors(), load());
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(tmp.resolve("dovecot")))) {
            for (String path : paths) {
                Path dir = Files.createDirectories(tmp.resolve(path));
                switch (path) {
                    case "builtin" -> builtin(dir, dovecot, all, Integer.getInteger("bench.builtin", 3000), jobs);
                    case "spamd" -> spamd(dir, dovecot, all, Integer.getInteger("bench.spamd", 600), jobs);
                    case "rspamd" -> rspamd(dir, dovecot, all, Integer.getInteger("bench.rspamd", 1000), jobs);
                    case "nothing-new" -> nothingNew(dir, dovecot, all);
                    default -> throw new IllegalArgumentException("unknown path " + path);
                }
            }
        }
    }

    /** Every other corpus message, up to {@code n}: the messages scanned; the rest trains. */
    private static List<SharedCorpus.Entry> half(List<SharedCorpus.Entry> all, int parity, int n) {
        List<SharedCorpus.Entry> out = new ArrayList<>();
        for (int i = parity; i < all.size() && out.size() < n; i += 2) out.add(all.get(i));
        return out;
    }

    private static List<byte[]> bodies(List<SharedCorpus.Entry> entries) {
        return entries.stream().map(SharedCorpus.Entry::message).toList();
    }

    private static void builtin(Path dir, Dovecot dovecot, List<SharedCorpus.Entry> all, int n, int jobs) throws Exception {
        String user = "alice";
        List<byte[]> scan = bodies(half(all, 0, n));
        Map<String, String> env = Map.of("XDG_STATE_HOME", dir.resolve("state").toString());
        Path model = StatePaths.defaults(env).modelFile(account(dovecot, user), "builtin");
        Files.createDirectories(model.getParent());
        try (BuiltinClassifier b = BuiltinClassifier.load(model, BuiltinOptions.defaults())) {
            for (SharedCorpus.Entry e : half(all, 1, Integer.MAX_VALUE)) b.learn(e.message(), e.spam() ? Label.SPAM : Label.HAM);
            b.save();
        }
        dovecot.deliver(user, "INBOX", scan);
        System.out.printf("%n== builtin: %d new messages (%d bytes), model trained on %d others; %s%n", scan.size(),
                scan.stream().mapToLong(m -> m.length).sum(), all.size() - scan.size(), load());

        double fetch = fetchRate(dovecot, user, scan.size());
        double classifyCpu;
        double classifyPool;
        try (BuiltinClassifier b = BuiltinClassifier.load(model, BuiltinOptions.defaults())) {
            poolRate(b, scan, 1); // warm-up: the JIT, as begone's own classifier threads go through it too
            classifyCpu = cpuRate(b, scan);
            classifyPool = poolRate(b, scan, jobs);
        }
        System.out.printf("ceiling, IMAP: plain UID FETCH BODY.PEEK[] in batches of %d: %.0f msgs/s%n", FETCH_BATCH, fetch);
        System.out.printf("ceiling, classifier: %.0f msgs/s per CPU-second, %.0f msgs/s on %d threads (warm JVM)%n",
                classifyCpu, classifyPool, jobs);
        warmUp(dir, dovecot, user, List.of("--classifier", "builtin"));
        // -Dbench.variants="|-XX:TieredStopAtLevel=1": JVM options compared in turns, each on the same new messages.
        List<String> variants = List.of(System.getProperty("bench.variants", "").split("\\|", -1));
        int rounds = Integer.getInteger("bench.rounds", 1);
        for (int round = 0; round < rounds; round++) {
            for (String variant : variants) {
                if (round > 0 || !variant.equals(variants.get(0))) {
                    dovecot.replace(user, Map.of("INBOX", scan, "Junk", List.of()));
                    deleteState(dir);
                }
                BegoneChild.Run run = runBegone(dir, dovecot, user, List.of("--classifier", "builtin", "--jobs", String.valueOf(jobs)),
                        variant.isEmpty() ? Map.of() : Map.of("BEGONE_JAVA_OPTS", variant));
                if (!variant.isEmpty()) System.out.println("  with BEGONE_JAVA_OPTS=" + variant);
                report("builtin", scan.size(), run, Math.min(fetch, classifyPool));
            }
        }
        inRunningJvm(dir, dovecot, user, scan, jobs);
        BegoneChild.Run dry = runBegone(dir, dovecot, "bob", List.of("--version"));
        System.out.printf("for scale: `begone --version` %.3f s wall, %.2f s CPU%n", dry.seconds(), dry.cpuSeconds());
    }

    private static void spamd(Path dir, Dovecot dovecot, List<SharedCorpus.Entry> all, int n, int jobs) throws Exception {
        String user = "bob";
        List<byte[]> scan = bodies(half(all, 0, n));
        try (Spamd spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")), Spamd.Config.DEFAULT.withMaxChildren(jobs));
                SpamdClassifier raw = new SpamdClassifier(SpamdOptions.parse("127.0.0.1:" + spamd.port()).withMaxConcurrent(jobs))) {
            System.out.printf("%n== spamd: %d new messages, jobs=%d; %s%n", scan.size(), jobs, load());
            poolRate(raw, scan, jobs); // spamd's children compile their rules lazily
            double before = poolRate(raw, scan, jobs);
            dovecot.deliver(user, "INBOX", scan);
            warmUp(dir, dovecot, user, List.of("--spamc", "--spamd", "127.0.0.1:" + spamd.port()));
            BegoneChild.Run run = runBegone(dir, dovecot, user, List.of("--spamc", "--spamd", "127.0.0.1:" + spamd.port(),
                    "--jobs", String.valueOf(jobs)));
            double after = poolRate(raw, scan, jobs);
            System.out.printf("ceiling, spamd raw (spamc protocol, %d in flight, no IMAP): %.1f msgs/s (%.1f before, %.1f after)%n",
                    jobs, (before + after) / 2, before, after);
            report("spamd", scan.size(), run, (before + after) / 2);
        }
    }

    private static void rspamd(Path dir, Dovecot dovecot, List<SharedCorpus.Entry> all, int n, int jobs) throws Exception {
        String user = "alice";
        dovecot.replace(user, Map.of("INBOX", List.of()));
        List<byte[]> scan = bodies(half(all, 1, n));
        try (Rspamd rspamd = Rspamd.start(Files.createDirectories(dir.resolve("rspamd")));
                RspamdClassifier raw = new RspamdClassifier(rspamd.options().withMaxConcurrent(jobs))) {
            System.out.printf("%n== rspamd: %d new messages, jobs=%d; %s%n", scan.size(), jobs, load());
            poolRate(raw, scan.subList(0, Math.min(100, scan.size())), jobs); // its workers warm up
            double before = poolRate(raw, scan, jobs);
            dovecot.deliver(user, "INBOX", scan);
            Path password = Files.writeString(dir.resolve("rspamd-password"), Rspamd.PASSWORD + "\n");
            List<String> classifier = List.of("--classifier", "rspamd", "--rspamd", rspamd.scanner().toString(),
                    "--rspamd-controller", rspamd.controller().toString(), "--rspamd-password-file", password.toString());
            warmUp(dir, dovecot, user, classifier);
            List<String> args = new ArrayList<>(classifier);
            args.addAll(List.of("--jobs", String.valueOf(jobs)));
            BegoneChild.Run run = runBegone(dir, dovecot, user, args);
            double after = poolRate(raw, scan, jobs);
            System.out.printf("ceiling, rspamd raw (/checkv2, %d in flight, no IMAP): %.1f msgs/s (%.1f before, %.1f after)%n",
                    jobs, (before + after) / 2, before, after);
            report("rspamd", scan.size(), run, (before + after) / 2);
        }
    }

    /**
     * The same scan in this JVM (as {@code begone watch} runs it: started, the model's first read and the JIT behind
     * it), three times on the same new messages with fresh state; the first warms up.
     */
    private static void inRunningJvm(Path dir, Dovecot dovecot, String user, List<byte[]> scan, int jobs) throws Exception {
        List<String> args = new ArrayList<>(isbgArgs(dovecot, user));
        args.addAll(List.of("--classifier", "builtin", "--jobs", String.valueOf(jobs)));
        Map<String, String> env = Map.of("PW", Dovecot.PASSWORDS.get(user), "HOME", dir.toString(),
                "XDG_STATE_HOME", dir.resolve("state").toString());
        for (int round = 1; round <= 3; round++) {
            dovecot.replace(user, Map.of("INBOX", scan, "Junk", List.of()));
            deleteState(dir);
            java.io.StringWriter err = new java.io.StringWriter();
            long t0 = System.nanoTime();
            int exit = dev.begone.cli.Main.run(args.toArray(String[]::new), new java.io.PrintWriter(err), new java.io.PrintWriter(err), env);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (exit != 0) throw new IllegalStateException("begone exited " + exit + ":\n" + err);
            err.toString().lines().filter(l -> l.startsWith("begone: timings")).forEach(l -> System.out.println("  " + l));
            System.out.printf("builtin in a running JVM (round %d): %.0f msgs/s (%d in %.2f s); %s%n", round, scan.size() / seconds,
                    scan.size(), seconds, load());
        }
    }

    /**
     * {@code begone run} on one account (builtin, a trained model) with nothing new, each run a fresh JVM; the first
     * run scans the folder. Rounds and variants as for builtin.
     */
    private static void nothingNew(Path dir, Dovecot dovecot, List<SharedCorpus.Entry> all) throws Exception {
        String user = "bob";
        dovecot.replace(user, Map.of("INBOX", bodies(half(all, 0, 200)), "Junk", List.of()));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                defaults:
                  classifier: builtin
                  partial-run: 0
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s }
                  folders: { scan: [INBOX], spam: Junk }
                accounts:
                  - name: bob
                    imap: { user: bob, password: { env: PW } }
                """.formatted(dovecot.imapsPort(), dovecot.certPem()));
        List<String> run = List.of("run", "--config", config.toString());
        runBegoneCommand(dir, user, run, Map.of());
        System.out.printf("%n== nothing new: begone run, one account, %d messages all scanned before; %s%n", 200, load());
        List<String> variants = List.of(System.getProperty("bench.variants", "").split("\\|", -1));
        for (int round = 0; round < Integer.getInteger("bench.rounds", 3); round++) {
            for (String variant : variants) {
                BegoneChild.Run r = runBegoneCommand(dir, user, run, variant.isEmpty() ? Map.of() : Map.of("BEGONE_JAVA_OPTS", variant));
                System.out.printf("nothing new%s: %.3f s wall, %.2f s CPU, peak RSS %d MB; %s%n",
                        variant.isEmpty() ? "" : " (" + variant + ")", r.seconds(), r.cpuSeconds(), r.peakRssKb() / 1024, load());
            }
        }
    }

    /**
     * An untimed dry run over the first 100 new messages: the launcher's class-data archive, made by the first run
     * after a build, then holds the classes a scan loads (and its making, at that run's exit, is not timed).
     */
    private static void warmUp(Path dir, Dovecot dovecot, String user, List<String> classifier) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(classifier);
        args.add("--dryrun");
        List<String> isbg = new ArrayList<>(isbgArgs(dovecot, user));
        isbg.set(isbg.indexOf("--partialrun") + 1, "100");
        isbg.addAll(args);
        runBegoneCommand(dir, user, isbg, Map.of());
    }

    private static void report(String path, int messages, BegoneChild.Run run, double ceiling) {
        double rate = messages / run.seconds();
        Map<String, Long> commands = run.output().lines().filter(l -> l.matches("^[A-Z]+\\d+ (UID )?[A-Z]+.*") && !l.matches("^[A-Z]+\\d+ (OK|NO|BAD)\\b.*"))
                .map(l -> l.replaceAll("^[A-Z]+\\d+ ((UID )?[A-Z]+).*", "$1"))
                .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        if (!commands.isEmpty()) System.out.println("  IMAP commands: " + commands);
        run.output().lines().filter(l -> l.startsWith("begone: timings") || l.contains("spams found"))
                .forEach(l -> System.out.println("  " + l));
        System.out.printf("%s: begone %.0f msgs/s (%d in %.2f s wall, %.2f s CPU, peak RSS %d MB), ceiling %.0f msgs/s, ratio %.3f; %s%n",
                path, rate, messages, run.seconds(), run.cpuSeconds(), run.peakRssKb() / 1024, ceiling, rate / ceiling, load());
    }

    /** A plain client: one SEARCH, then the bodies in batches, one command at a time. */
    private static double fetchRate(Dovecot dovecot, String user, int expected) throws Exception {
        try (MailStore store = ImapMailStore.connect(dovecot.settings(user, TlsMode.IMPLICIT));
                MailStore.OpenFolder inbox = store.open("INBOX", true)) {
            UidSet uids = inbox.search(SearchCriteria.all());
            if (uids.size() != expected) throw new IllegalStateException(uids.size() + " messages, expected " + expected);
            for (int round = 0; ; round++) { // the first round warms the JIT and Dovecot's caches
                long t0 = System.nanoTime();
                long fetched = 0;
                List<Long> list = new ArrayList<>();
                uids.forEach(list::add);
                for (int i = 0; i < list.size(); i += FETCH_BATCH) {
                    UidSet.Builder b = UidSet.builder();
                    list.subList(i, Math.min(list.size(), i + FETCH_BATCH)).forEach(b::add);
                    fetched += inbox.fetch(b.build()).size();
                }
                if (round == 1) return fetched / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static double cpuRate(Classifier c, List<byte[]> messages) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        for (byte[] m : messages) c.classify(m);
        return messages.size() / ((threads.getCurrentThreadCpuTime() - t0) / 1e9);
    }

    private static double poolRate(Classifier c, List<byte[]> messages, int jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (byte[] m : messages) futures.add(pool.submit(() -> c.classify(m)));
            for (Future<?> f : futures) f.get();
            return messages.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load " + f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "load unknown";
        }
    }

    private static String account(Dovecot dovecot, String user) {
        return user + "@127.0.0.1:" + dovecot.imapsPort();
    }

    private static List<String> isbgArgs(Dovecot dovecot, String user) {
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport", String.valueOf(dovecot.imapsPort()),
                "--imapuser", user, "--password-env", "PW", "--noninteractive", "--tls-ca", dovecot.certPem().toString(),
                "--spaminbox", "Junk", "--delete", "--expunge", "--partialrun", "0", "--maxsize", "100000000", "--noreport"));
        if (Boolean.parseBoolean(System.getProperty("bench.timings", "true"))) args.add("--timings");
        return args;
    }

    /** The state of earlier runs, but not the model. */
    private static void deleteState(Path dir) throws IOException {
        StatePaths paths = StatePaths.defaults(Map.of("XDG_STATE_HOME", dir.resolve("state").toString()));
        Path accounts = paths.accountDb("any").getParent();
        List<Path> dbs = new java.util.ArrayList<>(List.of(paths.sharedDb()));
        if (Files.isDirectory(accounts)) {
            try (var files = Files.list(accounts)) {
                files.filter(f -> f.getFileName().toString().endsWith(".db")).forEach(dbs::add);
            }
        }
        for (Path db : dbs) {
            for (String suffix : List.of("", "-wal", "-shm")) Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
        }
    }

    private static BegoneChild.Run runBegone(Path dir, Dovecot dovecot, String user, List<String> extra) throws IOException, InterruptedException {
        return runBegone(dir, dovecot, user, extra, Map.of());
    }

    private static BegoneChild.Run runBegone(Path dir, Dovecot dovecot, String user, List<String> extra, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (!extra.equals(List.of("--version"))) {
            cmd.addAll(isbgArgs(dovecot, user));
            // --verbose: the IMAP commands are counted in the report.
            if (Boolean.getBoolean("bench.verbose")) cmd.add("--verbose");
        }
        cmd.addAll(extra);
        return runBegoneCommand(dir, user, cmd, env);
    }

    private static BegoneChild.Run runBegoneCommand(Path dir, String user, List<String> args, Map<String, String> env)
            throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.put("PW", Dovecot.PASSWORDS.get(user));
        return BegoneChild.run(dir, args, all);
    }
}
