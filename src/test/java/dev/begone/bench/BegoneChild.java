package dev.begone.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./begone} run as a user runs it, in a fresh process, for the end-to-end benches: its output, its wall clock,
 * and its CPU time and peak RSS sampled from /proc while it runs.
 */
final class BegoneChild {
    private static final String LAUNCHER = "./begone";

    /** One finished run; {@code cpuSeconds} and {@code peakRssKb} are the last readings before it ended. */
    record Run(String output, double seconds, double cpuSeconds, long peakRssKb) {}

    private BegoneChild() {}

    /** Runs {@code ./begone args} with {@code home} as HOME and its {@code state} folder as XDG_STATE_HOME; fails unless it exits 0. */
    static Run run(Path home, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_STATE_HOME", home.resolve("state").toString());
        Path out = Files.createTempFile("begone-bench", ".out");
        pb.redirectOutput(out.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long peak = 0;
        double cpu = 0;
        Path proc = Path.of("/proc", String.valueOf(p.pid()));
        while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, vmHwmKb(proc.resolve("status")));
            cpu = Math.max(cpu, cpuSeconds(proc.resolve("stat")));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        Files.delete(out);
        if (p.exitValue() != 0) throw new IllegalStateException("begone exited " + p.exitValue() + ":\n" + text);
        return new Run(text, seconds, cpu, peak);
    }

    /** utime + stime of a live process, from /proc/PID/stat (clock ticks of 1/100 s); 0 once it is gone. */
    private static double cpuSeconds(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long vmHwmKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between the check and the read: the last reading stands.
        }
        return 0;
    }
}
