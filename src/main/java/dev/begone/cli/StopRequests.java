package dev.begone.cli;

import sun.misc.Signal;

/** How a long-running command hears that it should stop. */
@FunctionalInterface
interface StopRequests {
    /** Arranges for {@code stop} to run when the process is asked to stop. */
    void onStop(Runnable stop);

    /**
     * SIGTERM (a service manager) and SIGINT (Ctrl-C). Handled here rather than by a shutdown hook so that the
     * command ends on its own path and exits 0; the JVM's default would end it with 143 or 130. A second signal
     * while stopping ends the process at once.
     */
    static StopRequests signals() {
        return stop -> {
            boolean[] asked = {false};
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> {
                    synchronized (asked) {
                        if (asked[0]) Runtime.getRuntime().halt(128 + signal.getNumber());
                        asked[0] = true;
                    }
                    stop.run();
                });
            }
        };
    }
}
