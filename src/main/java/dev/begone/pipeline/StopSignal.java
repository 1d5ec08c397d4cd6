package dev.begone.pipeline;

/**
 * Asks a long flow to stop early. Flows check it between messages, never in the middle of one: the message in hand
 * is finished (acted on, confirmed and recorded), so the journal stays consistent and the next run repeats nothing.
 */
@FunctionalInterface
public interface StopSignal {
    StopSignal NEVER = () -> false;

    boolean stopRequested();
}
