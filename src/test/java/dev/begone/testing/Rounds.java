package dev.begone.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Timed rounds on the calling thread, for the throughput benches: warm-up rounds (the JIT needs a few passes before
 * the rate settles), then measured ones. Each round is rated by the wall clock and by the thread's CPU time: on a
 * machine other work shares, only the CPU-time rate says what one core does.
 */
public final class Rounds {
    /** Items per second in each measured round, by wall clock and by CPU time. */
    public record Rates(double[] wall, double[] cpu) {}

    private Rounds() {}

    /**
     * Runs {@code round} {@code warmUp + measured} times, each handling {@code items} items, and prints one line per
     * round ({@code note} at its end).
     */
    public static Rates measure(int warmUp, int measured, int items, String note, Runnable round) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = ManagementFactory.getOperatingSystemMXBean();
        double loadAtStart = os.getSystemLoadAverage();
        double[] wall = new double[measured];
        double[] cpu = new double[measured];
        for (int r = 0; r < warmUp + measured; r++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            round.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            if (r >= warmUp) {
                wall[r - warmUp] = items / seconds;
                cpu[r - warmUp] = items / cpuSeconds;
            }
            System.out.printf(Locale.ROOT, "%s round %d: %d msgs in %.2f s = %.0f msgs/s, by CPU time %.0f msgs/s%s%n",
                    r < warmUp ? "warm-up" : "measured", r, items, seconds, items / seconds, items / cpuSeconds, note);
        }
        // On a shared machine the slowest round follows the other work's load: say how much there was.
        System.out.printf(Locale.ROOT, "load average over the last minute: %.2f at the start, %.2f at the end, on %d cores%n",
                loadAtStart, os.getSystemLoadAverage(), os.getAvailableProcessors());
        return new Rates(wall, cpu);
    }

    /** {@code min M median M max M msgs/s over N rounds}. */
    public static String spread(double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "min %.0f median %.0f max %.0f msgs/s over %d rounds",
                sorted[0], median(sorted), sorted[sorted.length - 1], sorted.length);
    }

    public static double median(double[] rates) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
