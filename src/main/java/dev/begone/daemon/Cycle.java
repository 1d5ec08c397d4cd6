package dev.begone.daemon;

/** The two kinds of work a watcher runs for its account. */
public enum Cycle {
    /** Filing new mail, woken by the server. */
    SCAN,
    /** Training folders and retention, on a schedule. */
    PERIODIC
}
