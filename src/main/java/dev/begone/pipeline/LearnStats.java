package dev.begone.pipeline;

/**
 * What a learning pass did, for isbg's "N/M spams learned" line.
 *
 * @param toLearn messages found that had not been learned from this folder before
 * @param learned of those, newly learned by the classifier ("already known" ones are not counted here)
 */
public record LearnStats(int toLearn, int learned) {}
