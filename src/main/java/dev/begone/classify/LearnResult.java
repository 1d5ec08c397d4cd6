package dev.begone.classify;

/** How a learn request ended. Both count as success: the classifier now knows the message's label. */
public enum LearnResult {
    LEARNED,
    ALREADY_KNOWN
}
