package dev.begone.eval;

import dev.begone.classify.Verdict;

/** Observes an evaluation as it runs (progress bars, logs). Methods are called on the evaluating thread. */
public interface EvaluationListener {
    EvaluationListener NONE = new EvaluationListener() {};

    /** Called after message {@code index} (0-based) of {@code total} was scored and learned. */
    default void scored(int index, int total, Corpus.Entry entry, Verdict verdict) {}
}
