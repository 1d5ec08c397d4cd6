package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.cli.FaultSweep.Flow;
import dev.begone.cli.FaultSweep.Outcome;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.Spamd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing lost, nothing doubled, whatever interrupts a run: the connection cut at a command boundary, or the JVM
 * killed at a journal step, followed by a clean run, leaves every message exactly once, where a fault-free run puts
 * it, with the flags it leaves. This runs a seeded sample of the points of {@link FaultSweep};
 * {@code bench/fault-sweep} runs them all.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultSweepTest {
    /** Picks the sampled points; printed with every failure, so a failing sample can be run again as it was. */
    static final long SEED = 20261202L;
    static final int CUTS_PER_FLOW = 4;
    static final int KILLS_PER_FLOW = 1;

    @TempDir
    static Path dir;

    static Spamd spamd;
    static FaultSweep sweep;

    @BeforeAll
    static void start() throws Exception {
        ServerProcess.assumeInstalled("spamd", "spamd");
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")));
        sweep = new FaultSweep(Files.createDirectories(dir.resolve("sweep")), spamd);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (sweep != null) sweep.close();
        } finally {
            if (spamd != null) spamd.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Flow.class)
    void aSecondFaultFreeRunChangesNothing(Flow flow) throws Exception {
        FaultSweep.Reference ref = sweep.reference(flow);
        assertTrue(ref.rerun().none(), flow + ": " + ref.rerun());
    }

    @ParameterizedTest
    @EnumSource(Flow.class)
    void connectionCutAtACommandBoundaryThenACleanRunLosesAndDuplicatesNothing(Flow flow) throws Exception {
        Random random = new Random(SEED + flow.ordinal());
        List<String> failures = new ArrayList<>();
        for (FaultSweep.Cut cut : FaultSweep.sampleCuts(sweep.reference(flow).cuts(), CUTS_PER_FLOW, random)) {
            Outcome o = sweep.run(flow, cut);
            System.out.println(o);
            if (!o.ok()) failures.add(o.toString());
        }
        assertTrue(failures.isEmpty(), "seed " + SEED + ", " + failures.size() + " of " + CUTS_PER_FLOW
                + " cuts did harm:\n" + String.join("\n", failures));
    }

    @ParameterizedTest
    @EnumSource(Flow.class)
    void killAtAJournalStepThenACleanRunLosesAndDuplicatesNothing(Flow flow) throws Exception {
        Random random = new Random(SEED + flow.ordinal());
        List<FaultSweep.Kill> kills = FaultSweep.sampleKills(sweep.reference(flow).kills(), KILLS_PER_FLOW, random);
        assertTrue(!kills.isEmpty(), flow + " passed no journal step");
        List<String> failures = new ArrayList<>();
        for (FaultSweep.Kill kill : kills) {
            Outcome o = sweep.run(flow, kill);
            System.out.println(o);
            if (!o.ok()) failures.add(o.toString());
        }
        assertTrue(failures.isEmpty(), "seed " + SEED + ", " + failures.size() + " of " + kills.size()
                + " kills did harm:\n" + String.join("\n", failures));
    }
}
