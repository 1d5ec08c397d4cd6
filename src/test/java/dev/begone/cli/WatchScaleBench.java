package dev.begone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.classify.Label;
import dev.begone.classify.Outcome;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.state.StatePaths;
import dev.begone.testing.Dovecot;
import dev.begone.testing.TestMail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 8's scale figures: one {@code begone watch} JVM, started by the {@code begone} launcher as a user starts it (its
 * JVM options for {@code watch} included), watching N accounts of a local Dovecot with N
 * users, each with the built-in classifier (one model trained on 20 + 20 messages, copied to every account). Measures,
 * once every account waits on its INBOX: the JVM's threads, RSS and CPU over an idle minute; then, for a burst of M
 * spam messages appended round-robin over the accounts, the time from each APPEND's OK to the log line saying the
 * account filed it, and the peak RSS (VmHWM) and peak heap (from the GC log); where the CPU went during the burst (the
 * watch JVM by thread, Dovecot, the appender). A burst of a fifth as many comes first and is reported apart: the
 * first mail after a start pays for the JIT compiler's work on the filing path. Goals are printed beside the
 * figures, never asserted.
 *
 * <p>Usage: {@code WatchScaleBench [ACCOUNTS [MESSAGES [IDLE_SECONDS]]]} (defaults 1000 1000 60); JVM options added
 * to the launcher's in {@code BENCH_JAVA_OPTS}.
 */
public final class WatchScaleBench {
    private static final long CLOCK_TICKS = 100;
    private static final int APPENDERS = 8;
    private static final int BURST_PITCHES = 10_000;
    private static final int WARM_UP_PITCHES = 20_000;
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private WatchScaleBench() {}

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Path launcher = Path.of("begone").toAbsolutePath();
        if (!Files.isRegularFile(Path.of("target/begone.jar"))) throw new IllegalStateException("no target/begone.jar: build it first (mvnw package)");
        Path tmp = Files.createTempDirectory("begone-watch-scale");
        System.out.printf(Locale.ROOT, "watch-scale: %d accounts, burst of %d messages, idle window %d s, %d cores; load %s%n",
                accounts, messages, idleSeconds, Runtime.getRuntime().availableProcessors(), loadAverage());
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(tmp.resolve("dovecot")),
                Dovecot.Options.DEFAULT.withBulkUsers(accounts))) {
            Path home = Files.createDirectories(tmp.resolve("home"));
            Map<String, String> env = new HashMap<>();
            env.put("HOME", home.toString());
            env.put("XDG_STATE_HOME", home.resolve("state").toString());
            env.put("BENCH_PW", Dovecot.BULK_PASSWORD);
            Path config = writeConfig(home, dovecot, accounts);
            trainModels(StatePaths.defaults(env), accounts);
            Path gcLog = tmp.resolve("gc.log");
            String jvm = ("-Xlog:gc:file=" + gcLog + " " + System.getenv().getOrDefault("BENCH_JAVA_OPTS", "")).strip();
            env.put("BEGONE_JAVA_OPTS", jvm);
            System.out.println("watched JVM: the begone launcher's options for watch, then " + jvm);

            long t0 = System.nanoTime();
            try (WatchProcess watch = WatchProcess.startLauncher(launcher, env, List.of("--config", config.toString(), "--log-format", "json"))) {
                watch.awaitLines(l -> l.contains("\"event\":\"watching\""), accounts, Duration.ofMinutes(5));
                System.out.printf(Locale.ROOT, "all %d accounts waiting on INBOX after %.1f s; RSS %d MB, %d threads%n",
                        accounts, (System.nanoTime() - t0) / 1e9, status(watch.pid(), "VmRSS") / 1024, status(watch.pid(), "Threads"));
                // The first cycles (start-up scan, housekeeping) may still run: the idle window starts when they are over.
                Thread.sleep(Duration.ofSeconds(20));
                String loadBefore = loadAverage();
                long cpu0 = cpuTicks(watch.pid());
                long idle0 = System.nanoTime();
                Thread.sleep(Duration.ofSeconds(idleSeconds));
                double idleCpu = (cpuTicks(watch.pid()) - cpu0) / (double) CLOCK_TICKS / ((System.nanoTime() - idle0) / 1e9);
                long idleRss = status(watch.pid(), "VmRSS");
                long idleThreads = status(watch.pid(), "Threads");
                System.out.printf(Locale.ROOT, "idle: CPU %.2f %% of one core (goal < 2 %%), RSS %d MB, %d threads; load %s -> %s%n",
                        100 * idleCpu, idleRss / 1024, idleThreads, loadBefore, loadAverage());

                int errorsBefore = count(watch.lines(), "\"level\":\"error\"");
                // A daemon runs for weeks: its JIT compiler has long made the filing path fast before any burst but the
                // first. A smaller burst first (a fifth, one message for each of the first accounts) stands for that
                // past, and its own figures say what the first mail after a start costs.
                int warmUp = Math.min(accounts, Math.max(1, messages / 5));
                long warmCpu0 = cpuTicks(watch.pid());
                List<Long> warm = burst(dovecot, watch, accounts, warmUp, WARM_UP_PITCHES);
                System.out.printf(Locale.ROOT, "warm-up burst of %d, the first mail since the start: APPEND -> filed p50 %d ms, p99 %d ms;"
                        + " watch JVM CPU %.1f s%n", warm.size(), percentile(warm, 50), percentile(warm, 99),
                        (cpuTicks(watch.pid()) - warmCpu0) / (double) CLOCK_TICKS);
                Thread.sleep(Duration.ofSeconds(5));
                long watchCpu0 = cpuTicks(watch.pid());
                Map<String, Long> threadCpu0 = cpuTicksByThread(watch.pid());
                long dovecotCpu0 = dovecotCpuTicks();
                long benchCpu0 = cpuTicks(ProcessHandle.current().pid());
                List<Long> latencies = burst(dovecot, watch, accounts, messages, BURST_PITCHES);
                System.out.printf(Locale.ROOT, "CPU during the burst: watch JVM %.1f s, Dovecot %.1f s, the appender (this JVM) %.1f s%n",
                        (cpuTicks(watch.pid()) - watchCpu0) / (double) CLOCK_TICKS, (dovecotCpuTicks() - dovecotCpu0) / (double) CLOCK_TICKS,
                        (cpuTicks(ProcessHandle.current().pid()) - benchCpu0) / (double) CLOCK_TICKS);
                Map<String, Long> threadCpu = cpuTicksByThread(watch.pid());
                threadCpu.replaceAll((k, v) -> v - threadCpu0.getOrDefault(k, 0L));
                System.out.println("  watch JVM by thread: " + threadCpu.entrySet().stream().filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / (double) CLOCK_TICKS))
                        .collect(java.util.stream.Collectors.joining(", ")));
                long peakRss = status(watch.pid(), "VmHWM");
                System.out.printf(Locale.ROOT, "burst: %d of %d filed; APPEND -> filed p50 %d ms, p99 %d ms (goal < 5000), max %d ms;"
                        + " load %s%n", latencies.size(), messages, percentile(latencies, 50), percentile(latencies, 99),
                        percentile(latencies, 100), loadAverage());
                System.out.printf(Locale.ROOT, "  min %d, p10 %d, p90 %d ms%n", percentile(latencies, 0), percentile(latencies, 10),
                        percentile(latencies, 90));
                System.out.printf(Locale.ROOT, "after the burst: %d threads, RSS %d MB; peak RSS (VmHWM) %d MB (goal < 512)%n",
                        status(watch.pid(), "Threads"), status(watch.pid(), "VmRSS") / 1024, peakRss / 1024);
                System.out.printf(Locale.ROOT, "errors logged: %d during start-up and idle, %d during the burst%n", errorsBefore,
                        count(watch.lines(), "\"level\":\"error\"") - errorsBefore);
                watch.terminate();
                System.out.println("exit after SIGTERM: " + watch.awaitExit(Duration.ofSeconds(60)));
            }
            printHeap(gcLog);
            List<String> inotify = Files.readAllLines(tmp.resolve("dovecot/dovecot.log")).stream()
                    .filter(l -> l.toLowerCase(Locale.ROOT).contains("inotify")).limit(3).toList();
            if (!inotify.isEmpty()) System.out.println("dovecot warns about inotify (IDLE falls back to polling): " + inotify);
        }
    }

    private static Path writeConfig(Path home, Dovecot dovecot, int accounts) throws IOException {
        StringBuilder c = new StringBuilder("""
                defaults:
                  classifier: builtin
                  imap: { host: 127.0.0.1, port: %d, tls: implicit, ca: %s, password: { env: BENCH_PW } }
                  folders: { scan: [INBOX], spam: Junk }
                accounts:
                """.formatted(dovecot.imapsPort(), dovecot.certPem()));
        for (int i = 0; i < accounts; i++) {
            c.append("  - name: ").append(Dovecot.bulkUser(i)).append("\n    imap: { user: ").append(Dovecot.bulkUser(i)).append(" }\n");
        }
        Path file = home.resolve("config.yaml");
        Files.writeString(file, c);
        return file;
    }

    /** One model taught 20 pitches and 20 hams, copied to every account: the burst's pitches are spam to each. */
    private static void trainModels(StatePaths paths, int accounts) throws Exception {
        Path first = paths.modelFile(ConfiguredAccount.stateKey(Dovecot.bulkUser(0)), "builtin");
        Files.createDirectories(first.getParent());
        BuiltinClassifier model = BuiltinClassifier.load(first, BuiltinOptions.defaults());
        for (int i = 0; i < 20; i++) {
            model.learn(TestMail.pitch(i), Label.SPAM);
            model.learn(TestMail.ham(i), Label.HAM);
        }
        model.save();
        Outcome burstMessage = model.classify(TestMail.pitch(BURST_PITCHES)).outcome();
        if (burstMessage != Outcome.SPAM) throw new IllegalStateException("the trained model calls a burst message " + burstMessage);
        for (int i = 1; i < accounts; i++) {
            Files.copy(first, paths.modelFile(ConfiguredAccount.stateKey(Dovecot.bulkUser(i)), "builtin"));
        }
        System.out.printf(Locale.ROOT, "model: %d KB on disk, copied to %d accounts%n", Files.size(first) / 1024, accounts);
    }

    /**
     * Appends the messages over {@value #APPENDERS} connections at once, message i to account i mod N, and returns the
     * time from each APPEND's OK to the log line of its account's filing.
     */
    private static List<Long> burst(Dovecot dovecot, WatchProcess watch, int accounts, int messages, int firstPitch) throws Exception {
        Map<String, Deque<Instant>> appended = new ConcurrentHashMap<>();
        int logFrom = watch.lines().size();
        Semaphore connections = new Semaphore(APPENDERS);
        long t0 = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                int n = i;
                done.add(threads.submit(() -> {
                    String user = Dovecot.bulkUser(n % accounts);
                    connections.acquire();
                    try {
                        // One account's messages are appended one after another, so its filings come in the same order.
                        synchronized (appended.computeIfAbsent(user, u -> new ArrayDeque<>())) {
                            dovecot.deliver(user, "INBOX", List.of(TestMail.pitch(firstPitch + n)));
                            appended.get(user).add(Instant.now());
                        }
                    } finally {
                        connections.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
        System.out.printf(Locale.ROOT, "appended %d messages in %.1f s%n", messages, (System.nanoTime() - t0) / 1e9);
        try {
            watch.awaitLog("every message filed", lines -> filed(lines.subList(logFrom, lines.size())) >= messages, Duration.ofMinutes(5));
        } catch (AssertionError e) {
            System.out.println("not all filed within 5 minutes");
        }
        ObjectMapper json = new ObjectMapper();
        List<Long> latencies = new ArrayList<>();
        List<String> lines = watch.lines();
        for (String line : lines.subList(logFrom, lines.size())) {
            if (!line.contains("\"event\":\"filed\"")) continue;
            JsonNode event = json.readTree(line);
            Deque<Instant> times = appended.get(event.get("account").asText());
            Instant at = Instant.parse(event.get("ts").asText());
            for (int k = 0; k < event.get("messages").asInt() && times != null && !times.isEmpty(); k++) {
                latencies.add(Duration.between(times.removeFirst(), at).toMillis());
            }
        }
        latencies.sort(null);
        return latencies;
    }

    private static int filed(List<String> lines) {
        int n = 0;
        Pattern count = Pattern.compile("\"messages\":(\\d+)");
        for (String l : lines) {
            if (!l.contains("\"event\":\"filed\"")) continue;
            Matcher m = count.matcher(l);
            n += m.find() ? Integer.parseInt(m.group(1)) : 1;
        }
        return n;
    }

    private static int count(List<String> lines, String text) {
        return (int) lines.stream().filter(l -> l.contains(text)).count();
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) return -1;
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** utime + stime of every Dovecot process on the machine (the bench's own: nothing else should run beside it). */
    private static long dovecotCpuTicks() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("dovecot")).orElse(false))
                .mapToLong(p -> {
                    try {
                        return cpuTicks(p.pid());
                    } catch (IOException e) {
                        return 0; // gone meanwhile
                    }
                }).sum();
    }

    /** utime + stime of the process's threads, in clock ticks, by thread name with its numbers taken out. */
    private static Map<String, Long> cpuTicksByThread(long pid) throws IOException {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** utime + stime of the process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** A number from /proc/PID/status (kB for the Vm lines). */
    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) return Long.parseLong(line.substring(key.length() + 1).strip().split("\\s+")[0]);
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static void printHeap(Path gcLog) throws IOException {
        long peakUsed = 0;
        long peakCommitted = 0;
        int pauses = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_PAUSE.matcher(line);
            if (!m.find()) continue;
            pauses++;
            peakUsed = Math.max(peakUsed, Long.parseLong(m.group(1)));
            peakCommitted = Math.max(peakCommitted, Long.parseLong(m.group(3)));
        }
        System.out.printf(Locale.ROOT, "heap: peak used %d MB (before a collection), peak committed %d MB, %d collections%n",
                peakUsed, peakCommitted, pauses);
    }
}
