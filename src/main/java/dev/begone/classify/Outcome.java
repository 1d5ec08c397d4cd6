package dev.begone.classify;

/** What a classifier concluded. UNSURE means "do not act on this message" (e.g. an untrained model). */
public enum Outcome {
    SPAM,
    HAM,
    UNSURE
}
