package dev.begone.rules;

/** What the stages before the classifier look at: the message's headers, and the caller's memory of duplicates. */
record Incoming(MessageHeaders headers, DuplicateLog duplicates) {}
