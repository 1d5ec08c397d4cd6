package dev.begone.cli;

import dev.begone.imap.ImapSettings;
import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.FaultProxy;
import dev.begone.testing.MarkedMailbox;
import dev.begone.testing.MarkedMailbox.Damage;
import dev.begone.testing.MarkedMailbox.Where;
import dev.begone.testing.Spamd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The fault sweep of issue 7, shared by {@code FaultSweepTest} (a seeded sample) and {@code bench/fault-sweep}
 * (every point). A flow first runs without faults on a fresh {@link MarkedMailbox}: where that run leaves each
 * message is the expected placement, and the commands it sent and the journal steps it passed are the fault
 * points. Then, for each point, the mailbox is filled afresh, a run is interrupted there (the network goes down
 * at a command boundary, or the JVM halts at a journal step as kill -9 would stop it), a clean run follows with
 * the same state, and the placement is compared with the expected one.
 */
final class FaultSweep implements AutoCloseable {
    /**
     * The flows of the sweep and their isbg options (the account, server and spamd options come on top); a flow
     * without options is the configured training workflow, run by {@code begone learn}.
     */
    enum Flow {
        SCAN_MOVE("scan with UID MOVE", true, "--delete", "--expunge", "--noreport"),
        SCAN_COPY("scan with COPY + flag + EXPUNGE (no MOVE)", false, "--delete", "--expunge", "--noreport"),
        SCAN_REPORT("scan in report mode (APPEND)", true, "--delete", "--expunge"),
        LEARN_MOVEHAMTO("learn with --movehamto", true, "--teachonly", "--learnspambox", MarkedMailbox.LEARN_SPAM,
                "--learnhambox", MarkedMailbox.LEARN_HAM, "--movehamto", MarkedMailbox.HAM_ARCHIVE),
        LEARN_MOVEHAMTO_NO_MOVE("learn with --movehamto (no MOVE)", false, "--teachonly", "--learnspambox",
                MarkedMailbox.LEARN_SPAM, "--learnhambox", MarkedMailbox.LEARN_HAM, "--movehamto", MarkedMailbox.HAM_ARCHIVE),
        LEARN_DESTROY("learn with --learnthendestroy --expunge", true, "--teachonly", "--learnspambox",
                MarkedMailbox.LEARN_SPAM, "--learnhambox", MarkedMailbox.LEARN_HAM, "--learnthendestroy", "--expunge"),
        LEARN_FLAG("learn with --learnthenflag", true, "--teachonly", "--learnspambox", MarkedMailbox.LEARN_SPAM,
                "--learnhambox", MarkedMailbox.LEARN_HAM, "--learnthenflag"),
        TRAINING("training workflow, begone learn (builtin)", true);

        final String title;
        final boolean move;
        final List<String> options;

        Flow(String title, boolean move, String... options) {
            this.title = title;
            this.move = move;
            this.options = List.of(options);
        }

        /** The configured training workflow, with the built-in classifier whose counts tell what was learnt. */
        boolean configured() {
            return options.isEmpty();
        }
    }

    /** Where a run is interrupted. */
    sealed interface Fault {}

    /**
     * The network goes down at the {@code occurrence}-th command shaped like {@code text} (command {@code number} of
     * the fault-free run): before it reaches the server, or after the server answered it and before the client
     * read the answer.
     */
    record Cut(int number, String text, int occurrence, boolean afterAnswer) implements Fault {
        /** Commands after which the mailbox is not the same: the cuts around them matter most. */
        boolean changesMailbox() {
            return text.toUpperCase(Locale.ROOT).matches("(UID )?(COPY|MOVE|STORE|EXPUNGE)\\b.*|APPEND\\b.*");
        }

        /** Commands every run sends at the same place; NOOP, LOGOUT and logins depend on the connection pool. */
        boolean stable() {
            return changesMailbox() || text.toUpperCase(Locale.ROOT).matches("(SELECT|EXAMINE|LIST|STATUS|CREATE|UID SEARCH|UID FETCH)\\b.*");
        }

        FaultProxy.Policy policy() {
            String shape = FaultProxy.shape(text);
            return afterAnswer ? new FaultProxy.Policy.CutAfterAnswer(shape, occurrence)
                    : new FaultProxy.Policy.CutBeforeCommand(shape, occurrence);
        }

        @Override
        public String toString() {
            return (afterAnswer ? "after the answer to" : "before") + " command " + number + " (" + text + ")";
        }
    }

    /** The JVM halts the {@code occurrence}-th time the run reaches journal step {@code step}. */
    record Kill(String step, int occurrence) implements Fault {
        String property() {
            return step + "#" + occurrence;
        }

        @Override
        public String toString() {
            return "kill -9 at " + property();
        }
    }

    /**
     * A fault-free run: the placement it leaves, the commands it sent and the journal steps it passed, and how a
     * second fault-free run right after changed the placement (it must not).
     */
    record Reference(Flow flow, Map<String, List<Where>> placement, List<String> commands, List<String> steps,
            Damage rerun) {
        List<Cut> cuts() {
            Map<String, Integer> seen = new HashMap<>();
            List<Cut> cuts = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                int occurrence = seen.merge(FaultProxy.shape(commands.get(i)), 1, Integer::sum);
                cuts.add(new Cut(i + 1, commands.get(i), occurrence, false));
                cuts.add(new Cut(i + 1, commands.get(i), occurrence, true));
            }
            return cuts;
        }

        List<Kill> kills() {
            Map<String, Integer> seen = new HashMap<>();
            List<Kill> kills = new ArrayList<>();
            for (String step : steps) kills.add(new Kill(step, seen.merge(step, 1, Integer::sum)));
            return kills;
        }
    }

    /**
     * One interrupted run and the clean run after it.
     *
     * @param lessons for the configured training workflow, how the built-in model's counts differ from one lesson
     *                per message; null when they do not, or for other flows
     */
    record Outcome(Flow flow, Fault fault, boolean faultHit, IsbgCli.Run interrupted, IsbgCli.Run clean, Damage damage,
            String lessons) {
        boolean ok() {
            return faultHit && clean.exit() == 0 && damage.none() && lessons == null;
        }

        @Override
        public String toString() {
            if (ok()) return flow + " " + fault + ": ok";
            StringBuilder sb = new StringBuilder(flow + " " + fault + ": ");
            if (!faultHit) sb.append("the fault point was not met (interrupted run exit ").append(interrupted.exit()).append("); ");
            if (clean.exit() != 0) sb.append("clean run exit ").append(clean.exit()).append(": ").append(firstLine(clean.err())).append("; ");
            if (lessons != null) sb.append(lessons).append("; ");
            return sb.append(damage).toString();
        }

        private static String firstLine(String text) {
            return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        }
    }

    /** One Dovecot (with or without MOVE, no TLS so the proxy can read the traffic) and the proxy in front of it. */
    private record Server(Dovecot dovecot, FaultProxy proxy) {
        ImapSettings alice() {
            return dovecot.settings("alice", TlsMode.STARTTLS);
        }
    }

    private final Path dir;
    private final Spamd spamd;
    private final Map<Boolean, Server> servers = new HashMap<>();
    private final Map<Flow, Reference> references = new EnumMap<>(Flow.class);
    private int runs;

    FaultSweep(Path dir, Spamd spamd) {
        this.dir = dir;
        this.spamd = spamd;
    }

    /** The fault-free run of {@code flow}, made once. */
    Reference reference(Flow flow) throws Exception {
        Reference known = references.get(flow);
        if (known != null) return known;
        Server server = server(flow.move);
        MarkedMailbox.refill(server.dovecot(), "alice");
        server.proxy().policy(FaultProxy.Policy.pass());
        Path home = freshHome();
        Path stepLog = home.resolve("steps.log");
        IsbgCli cli = cli(home);
        IsbgCli.Run run;
        System.setProperty(Steps.STEP_LOG_PROPERTY, stepLog.toString());
        try {
            run = cli.run(args(flow, server, home));
        } finally {
            System.clearProperty(Steps.STEP_LOG_PROPERTY);
        }
        if (run.exit() != 0) throw new AssertionError("the fault-free run of " + flow + " failed: " + run);
        String lessons = lessons(flow, cli);
        if (lessons != null) throw new AssertionError("the fault-free run of " + flow + ": " + lessons);
        List<String> commands = server.proxy().commands();
        List<String> steps = Files.exists(stepLog) ? Files.readAllLines(stepLog) : List.of();
        Map<String, List<Where>> placement = MarkedMailbox.placement(server.alice());
        IsbgCli.Run again = cli.run(args(flow, server, home));
        if (again.exit() != 0) throw new AssertionError("a second fault-free run of " + flow + " failed: " + again);
        lessons = lessons(flow, cli);
        if (lessons != null) throw new AssertionError("a second fault-free run of " + flow + ": " + lessons);
        Reference ref = new Reference(flow, placement, commands, steps,
                Damage.between(placement, MarkedMailbox.placement(server.alice())));
        references.put(flow, ref);
        return ref;
    }

    /** Cuts a run of {@code flow} at {@code cut}, runs it again cleanly, and compares. */
    Outcome run(Flow flow, Cut cut) throws Exception {
        Reference ref = reference(flow);
        Server server = server(flow.move);
        MarkedMailbox.refill(server.dovecot(), "alice");
        Path home = freshHome();
        IsbgCli cli = cli(home);
        int dropsBefore = server.proxy().drops();
        server.proxy().policy(cut.policy());
        IsbgCli.Run interrupted = cli.run(args(flow, server, home));
        boolean hit = server.proxy().drops() > dropsBefore;
        if (!hit) System.out.println(flow + " " + cut + " was not met; the run sent " + server.proxy().commands());
        server.proxy().policy(FaultProxy.Policy.pass());
        IsbgCli.Run clean = cli.run(args(flow, server, home));
        return new Outcome(flow, cut, hit, interrupted, clean,
                Damage.between(ref.placement(), MarkedMailbox.placement(server.alice())), lessons(flow, cli));
    }

    /** Halts a run of {@code flow} (in a child JVM) at {@code kill}, runs it again cleanly, and compares. */
    Outcome run(Flow flow, Kill kill) throws Exception {
        Reference ref = reference(flow);
        Server server = server(flow.move);
        MarkedMailbox.refill(server.dovecot(), "alice");
        server.proxy().policy(FaultProxy.Policy.pass());
        Path home = freshHome();
        IsbgCli cli = cli(home);
        // C1 compiles enough for one short run and costs a fraction of the CPU of full tiered compilation.
        IsbgCli.Run interrupted = cli.runInChildJvm(List.of("-XX:TieredStopAtLevel=1",
                "-D" + Steps.HALT_AT_PROPERTY + "=" + kill.property()), args(flow, server, home));
        IsbgCli.Run clean = cli.run(args(flow, server, home));
        return new Outcome(flow, kill, interrupted.exit() == 137, interrupted, clean,
                Damage.between(ref.placement(), MarkedMailbox.placement(server.alice())), lessons(flow, cli));
    }

    /**
     * A seeded sample of {@code n} cuts, two thirds of them (rounded up) around commands that change the mailbox,
     * where a cut can do harm, and the rest around other commands every run sends.
     */
    static List<Cut> sampleCuts(List<Cut> all, int n, Random random) {
        List<Cut> changing = new ArrayList<>(all.stream().filter(Cut::changesMailbox).toList());
        List<Cut> other = new ArrayList<>(all.stream().filter(c -> c.stable() && !c.changesMailbox()).toList());
        Collections.shuffle(changing, random);
        Collections.shuffle(other, random);
        List<Cut> sample = new ArrayList<>(changing.subList(0, Math.min(changing.size(), (2 * n + 2) / 3)));
        for (Cut c : other) if (sample.size() < n) sample.add(c);
        for (Cut c : changing) if (sample.size() < n && !sample.contains(c)) sample.add(c);
        sample.sort((a, b) -> a.number() != b.number() ? Integer.compare(a.number(), b.number())
                : Boolean.compare(a.afterAnswer(), b.afterAnswer()));
        return sample;
    }

    /** A seeded sample of {@code n} kill points. */
    static List<Kill> sampleKills(List<Kill> all, int n, Random random) {
        List<Kill> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        return List.copyOf(shuffled.subList(0, Math.min(n, shuffled.size())));
    }

    private Server server(boolean move) throws Exception {
        Server known = servers.get(move);
        if (known != null) return known;
        Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve(move ? "dovecot" : "dovecot-without-move")),
                Dovecot.Options.DEFAULT.withStarttls(false).withMove(move));
        Server server = new Server(dovecot, FaultProxy.start(dovecot.imapPort(), FaultProxy.Policy.pass()));
        servers.put(move, server);
        return server;
    }

    private Path freshHome() throws IOException {
        return Files.createDirectories(dir.resolve("runs").resolve(String.valueOf(++runs)));
    }

    private static IsbgCli cli(Path home) {
        return new IsbgCli(home).env("PW", Dovecot.PASSWORDS.get("alice"));
    }

    /**
     * For the configured training workflow: null when the built-in model learnt each training message exactly once
     * (a message learnt twice counts twice), else how its counts differ.
     */
    private static String lessons(Flow flow, IsbgCli cli) throws Exception {
        if (!flow.configured()) return null;
        long spam = MarkedMailbox.seeds().stream().filter(s -> s.folder().equals(MarkedMailbox.LEARN_SPAM)).count();
        long ham = MarkedMailbox.seeds().stream().filter(s -> s.folder().equals(MarkedMailbox.LEARN_HAM)).count();
        List<Long> learnt = BuiltinCounts.of(cli.env(), "alice");
        long learntSpam = learnt.get(0);
        long learntHam = learnt.get(1);
        return learntSpam == spam && learntHam == ham ? null
                : "builtin learnt " + learntSpam + " spam and " + learntHam + " ham, not " + spam + " and " + ham;
    }

    private List<String> args(Flow flow, Server server, Path home) throws IOException {
        if (flow.configured()) {
            Path config = home.resolve("config.yaml");
            Files.writeString(config, """
                    accounts:
                      - name: alice
                        classifier: builtin
                        partial-run: 0
                        imap: { host: 127.0.0.1, port: %d, tls: plaintext, user: alice, password: { env: PW } }
                        folders: { scan: [INBOX], spam: %s }
                        training: { learn-spam: [%s], learn-ham: [%s], after: { spam: %s, ham: %s } }
                    """.formatted(server.proxy().port(), MarkedMailbox.SPAM, MarkedMailbox.LEARN_SPAM, MarkedMailbox.LEARN_HAM,
                    MarkedMailbox.LEARNED_SPAM, MarkedMailbox.LEARNED_HAM));
            return List.of("learn", "--config", config.toString());
        }
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport",
                String.valueOf(server.proxy().port()), "--nossl", "--allow-plaintext", "--imapuser", "alice",
                "--password-env", "PW", "--noninteractive", "--spamc", "--spamd", "127.0.0.1:" + spamd.port(),
                "--spaminbox", MarkedMailbox.SPAM));
        args.addAll(flow.options);
        return args;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (Server s : servers.values()) {
            for (AutoCloseable c : List.<AutoCloseable>of(s.proxy(), s.dovecot())) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) first = e;
                    else first.addSuppressed(e);
                }
            }
        }
        if (first != null) throw first;
    }
}
