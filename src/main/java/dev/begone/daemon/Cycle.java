package dev.begone.daemon;

/** The kinds of work a watcher runs for its account. */
public enum Cycle {
    /** Filing new mail, woken by the server. */
    SCAN("filing new mail"),
    /** Learning from training folders and the spam folder the user changed, woken by the server. */
    TRAIN("learning from the user's moves"),
    /** Training folders and retention, on a schedule. */
    PERIODIC("periodic work");

    private final String doing;

    Cycle(String doing) {
        this.doing = doing;
    }

    /** What the cycle does, for people: "filing new mail failed". */
    public String doing() {
        return doing;
    }
}
