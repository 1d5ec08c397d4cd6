package dev.begone.rules;

/**
 * One step of the delivery rules. Given its input and the decision so far (always pending), a stage passes it on
 * unchanged, adds a reason or a ham destination, or decides. It keeps the reasons it was given.
 *
 * @param <I> {@link Incoming} before the classifier, the classifier's {@link dev.begone.classify.Verdict} after it
 */
interface Stage<I> {
    Decision apply(I input, Decision soFar);
}
