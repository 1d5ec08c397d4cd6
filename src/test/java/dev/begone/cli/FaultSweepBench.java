package dev.begone.cli;

import dev.begone.cli.FaultSweep.Flow;
import dev.begone.cli.FaultSweep.Outcome;
import dev.begone.testing.Spamd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * bench/fault-sweep: every point of {@link FaultSweep}, per flow: the connection cut before and after every command
 * of a fault-free run, then kill -9 at every journal step it passed (each occurrence). Prints, per flow and kind,
 * the points tried, the messages lost, duplicated, misplaced or left with the wrong flags, the points after which
 * the classifier's counts were not one lesson per message (the training workflow), the clean runs that failed, the
 * points the run never met, and then every point that did harm. Asserts nothing.
 *
 * <p>Arguments: flow names (e.g. {@code scan_copy learn_flag}; default all), and {@code --cuts-only} or
 * {@code --kills-only}.
 */
public final class FaultSweepBench {
    private FaultSweepBench() {}

    public static void main(String[] args) throws Exception {
        Set<Flow> flows = EnumSet.noneOf(Flow.class);
        boolean cuts = true;
        boolean kills = true;
        for (String a : args) {
            switch (a) {
                case "--cuts-only" -> kills = false;
                case "--kills-only" -> cuts = false;
                default -> flows.add(Flow.valueOf(a.toUpperCase(Locale.ROOT)));
            }
        }
        if (flows.isEmpty()) flows = EnumSet.allOf(Flow.class);
        Path tmp = Files.createTempDirectory("begone-fault-sweep");
        List<String> harm = new ArrayList<>();
        System.out.printf("%-45s %-5s %6s %5s %5s %9s %5s %8s %12s %9s %8s%n", "flow", "fault", "points", "lost", "dup",
                "misplaced", "flags", "relearnt", "failed-runs", "unreached", "seconds");
        try (Spamd spamd = Spamd.start(Files.createDirectories(tmp.resolve("spamd")));
                FaultSweep sweep = new FaultSweep(Files.createDirectories(tmp.resolve("sweep")), spamd)) {
            for (Flow flow : flows) {
                FaultSweep.Reference ref = sweep.reference(flow);
                System.out.println(flow + " fault-free run: commands " + ref.commands() + "; journal steps " + ref.steps());
                if (!ref.rerun().none()) harm.add(flow + " a second fault-free run: " + ref.rerun());
                if (cuts) {
                    long t0 = System.nanoTime();
                    List<Outcome> outcomes = new ArrayList<>();
                    for (FaultSweep.Cut cut : ref.cuts()) outcomes.add(sweep.run(flow, cut));
                    print(flow, "cut", outcomes, t0, harm);
                }
                if (kills) {
                    long t0 = System.nanoTime();
                    List<Outcome> outcomes = new ArrayList<>();
                    for (FaultSweep.Kill kill : ref.kills()) outcomes.add(sweep.run(flow, kill));
                    print(flow, "kill", outcomes, t0, harm);
                }
            }
        } finally {
            deleteQuietly(tmp);
        }
        System.out.println(harm.isEmpty() ? "no point did harm" : harm.size() + " points did harm:");
        harm.forEach(System.out::println);
    }

    private static void print(Flow flow, String kind, List<Outcome> outcomes, long t0, List<String> harm) {
        int lost = 0;
        int dup = 0;
        int misplaced = 0;
        int flags = 0;
        int relearnt = 0;
        int failedRuns = 0;
        int unreached = 0;
        for (Outcome o : outcomes) {
            lost += o.damage().lost().size();
            dup += o.damage().duplicated().size();
            misplaced += o.damage().misplaced().size();
            flags += o.damage().flags().size();
            if (o.lessons() != null) relearnt++;
            if (o.clean().exit() != 0) failedRuns++;
            // A point this run never met (a NOOP or login the connection pool skipped) did no harm by itself.
            if (!o.faultHit()) unreached++;
            if (o.clean().exit() != 0 || !o.damage().none() || o.lessons() != null) harm.add(o.toString());
        }
        System.out.printf("%-45s %-5s %6d %5d %5d %9d %5d %8d %12d %9d %8.1f%n", flow.title, kind, outcomes.size(), lost, dup,
                misplaced, flags, relearnt, failedRuns, unreached, (System.nanoTime() - t0) / 1e9);
    }

    /** Best effort: the temp dir holds only test mail and state. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (Exception e) {
            System.err.println("fault-sweep: could not remove " + dir + ": " + e);
        }
    }
}
