package dev.begone.daemon;

import dev.begone.pipeline.StopSignal;
import java.util.Set;

/**
 * What the daemon runs for one account; the pipeline does the work, the daemon only decides when. Each method
 * connects on its own and may throw anything: the watcher backs off and tries again. Each returns early, between
 * messages, once {@code stop} asks.
 */
public interface AccountWork {
    /** Files the new mail of these folders (those that reported new mail or were just (re)connected). */
    void scan(Set<String> folders, StopSignal stop) throws Exception;

    /**
     * Learns from these training folders (those that reported a change or were just (re)connected): what the user
     * dropped into them, or moved into or out of the spam folder.
     */
    void train(Set<String> folders, StopSignal stop) throws Exception;

    /** The work on a schedule: training folders, retention. Runs once at start, then every period. */
    void periodic(StopSignal stop) throws Exception;
}
