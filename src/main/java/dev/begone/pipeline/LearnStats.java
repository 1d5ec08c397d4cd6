package dev.begone.pipeline;

/**
 * What a learning pass did, for isbg's "N/M spams learned" line.
 *
 * @param toLearn messages found that had not been learned from this folder before
 * @param learned of those, newly learned by the classifier ("already known" ones are not counted here)
 * @param skipped of those, messages the classifier failed on, to be tried again next run
 * @param failed  of those, messages the classifier failed on too often: given up and left where they are
 */
public record LearnStats(int toLearn, int learned, int skipped, int failed) {}
