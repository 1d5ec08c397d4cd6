package dev.begone.cli;

import dev.begone.pipeline.PipelineListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --timings}: where a run's time went, as one line on stderr. The stages of the run's own thread (start-up of
 * the JVM, login, opening the classifier, the scan's stages, the state's reads and writes) add up to the wall time
 * but for what is named {@code other}; the classifier's threads are given apart, as they work while the rest waits.
 */
final class Timings implements PipelineListener {
    private final long began = System.nanoTime();
    private final Map<String, LongAdder> stages = new ConcurrentHashMap<>();
    private final Map<String, Long> measured = new LinkedHashMap<>();

    @Override
    public void spent(String stage, long nanos) {
        stages.computeIfAbsent(stage, s -> new LongAdder()).add(nanos);
    }

    /** A stage timed by the command itself, e.g. login. */
    void measured(String stage, long nanos) {
        measured.merge(stage, nanos, Long::sum);
    }

    /** Prints the line; {@code stateNanos} is the state's own account of its time. */
    void print(PrintWriter err, long stateNanos) {
        long total = System.nanoTime() - began;
        // The JVM's start, from the process's start time (clock ticks, 10 ms on Linux) to this object's creation.
        long startUp = ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, Instant.now()).toNanos() - total).orElse(0L);
        Map<String, Long> line = new LinkedHashMap<>();
        line.put("start-up", startUp);
        line.putAll(measured);
        for (String stage : new String[] {"search", "fetch", "classify", "act"}) line.put(stage, sum(stage));
        line.put("state", stateNanos);
        long named = line.values().stream().mapToLong(Long::longValue).sum() - startUp;
        line.put("other", total - named);
        StringBuilder sb = new StringBuilder("begone: timings:");
        line.forEach((stage, nanos) -> sb.append(' ').append(stage).append(' ').append(nanos / 1_000_000).append(" ms,"));
        sb.append(" wall ").append((startUp + total) / 1_000_000).append(" ms; classifier threads ")
                .append(sum("classifier") / 1_000_000).append(" ms");
        err.println(sb);
        err.flush();
    }

    private long sum(String stage) {
        LongAdder a = stages.get(stage);
        return a == null ? 0 : a.sum();
    }
}
