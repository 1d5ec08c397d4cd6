package dev.begone.log;

/** How {@link EventLog} writes a line. */
public enum LogFormat {
    /** {@code account: message}, for people and journald. */
    TEXT,
    /** One JSON object per line: {@code ts}, {@code level}, {@code account}, {@code event}, {@code msg}, then details. */
    JSON
}
