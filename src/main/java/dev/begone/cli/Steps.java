package dev.begone.cli;

import dev.begone.pipeline.PipelineListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The journal steps, for crash tests. They name a step in the system property {@code begone.haltAt}
 * ({@code move.sent}, or {@code move.sent#2} for its second occurrence): the JVM then halts there at once, as kill -9
 * would stop it (isync's test harness does the same with its step counter). To find every step a flow passes, they
 * name a file in {@code begone.stepLog}: each step is appended to it, one per line.
 */
final class Steps implements PipelineListener {
    static final String HALT_AT_PROPERTY = "begone.haltAt";
    static final String STEP_LOG_PROPERTY = "begone.stepLog";

    private final String haltAt;
    private final String stepLog;
    private final Map<String, Integer> seen = new HashMap<>();

    Steps() {
        String halt = System.getProperty(HALT_AT_PROPERTY);
        this.haltAt = halt == null || halt.contains("#") ? halt : halt + "#1";
        this.stepLog = System.getProperty(STEP_LOG_PROPERTY);
    }

    @Override
    public synchronized void step(String name) {
        if (stepLog != null) {
            try {
                Files.writeString(Path.of(stepLog), name + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + STEP_LOG_PROPERTY + " " + stepLog, e);
            }
        }
        int occurrence = seen.merge(name, 1, Integer::sum);
        if ((name + "#" + occurrence).equals(haltAt)) {
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
