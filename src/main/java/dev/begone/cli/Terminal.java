package dev.begone.cli;

import dev.begone.progress.ProgressBars;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What of the process's output is a terminal, where begone says more than it does under cron or a service. */
final class Terminal {
    /** Columns when the shell exports no COLUMNS: what a terminal window opens with. */
    private static final int DEFAULT_COLUMNS = 80;
    /** Narrower, a bar would be all task name: such a COLUMNS is more likely a mistake than a terminal. */
    private static final int MIN_COLUMNS = 20;

    private Terminal() {}

    /**
     * Whether the console is a terminal (standard input and output). Before Java 22 a console exists only then; from 22
     * on it may exist without one, and {@code Console.isTerminal()} (not in Java 21's API) tells.
     */
    static boolean console() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * Whether standard error is a terminal as well: the console says nothing of it, so {@code begone run 2>log} at a
     * prompt would otherwise fill the log with redrawn bars. Linux names what file descriptor 2 is open on; where it
     * does not, the console's answer stands.
     */
    static boolean stderr() {
        if (!console()) return false;
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    /** Progress bars on {@code err} if it is a terminal ({@code onTerminal}), else none. */
    static ProgressBars progressBars(PrintWriter err, boolean onTerminal, Map<String, String> env) {
        return onTerminal ? ProgressBars.on(err, columns(env)) : ProgressBars.NONE;
    }

    /** The terminal's width, as the shell exports it when it does (bash sets COLUMNS but exports it only if asked). */
    static int columns(Map<String, String> env) {
        String c = env.getOrDefault("COLUMNS", "");
        if (!c.matches("[0-9]{2,4}")) return DEFAULT_COLUMNS;
        int columns = Integer.parseInt(c);
        return columns >= MIN_COLUMNS ? columns : DEFAULT_COLUMNS;
    }
}
