package dev.begone.progress;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for long interactive work, each redrawn on one line of a terminal by me.tongfei:progressbar. Whether
 * there is a terminal is the caller's to decide: {@link #NONE} draws nothing, which is what cron, a log file and a
 * service get.
 */
public final class ProgressBars {
    /** No terminal: bars count silently. */
    public static final ProgressBars NONE = new ProgressBars(null, 0);

    /** Time between redraws: often enough to look alive, rarely enough to cost nothing beside the work shown. */
    private static final int REDRAW_MILLIS = 500;

    private final PrintWriter terminal;
    private final int width;

    private ProgressBars(PrintWriter terminal, int width) {
        this.terminal = terminal;
        this.width = width;
    }

    /**
     * Bars drawn on {@code terminal}, at most {@code columns - 1} characters wide (a line that fills the last column
     * wraps on some terminals, and a carriage return then redraws the line below).
     */
    public static ProgressBars on(PrintWriter terminal, int columns) {
        if (columns < 2) throw new IllegalArgumentException("columns must be at least 2, was " + columns);
        return new ProgressBars(terminal, columns - 1);
    }

    /** A bar of {@code total} units of {@code task}, shown at once; closing it clears its line. */
    public Bar start(String task, long total) {
        if (terminal == null) return Bar.NONE;
        // The library's own console consumer would open a JLine terminal to learn the width, which replaces the
        // process's signal handlers while it is open; the width is known, and the bar goes where the command writes.
        DelegatingProgressBarConsumer line = new DelegatingProgressBarConsumer(this::draw, width);
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII) // whatever the terminal's character set
                .setUpdateIntervalMillis(REDRAW_MILLIS)
                .setConsumer(line)
                .hideEta()
                .showSpeed()
                .setUnit(" msgs", 1)
                .build();
        return new Bar() {
            @Override
            public void step(long units) {
                bar.stepBy(units);
            }

            @Override
            public void clearLine() {
                line.clear();
            }

            /** Cleared here rather than by the library, which skips that for a bar closed before its first redraw. */
            @Override
            public void close() {
                bar.close();
                line.clear();
            }
        };
    }

    /** Called from the library's timer thread as well as the caller's: one line at a time. */
    private void draw(String rendered) {
        synchronized (terminal) {
            terminal.print('\r');
            terminal.print(rendered);
            terminal.flush();
        }
    }

    /** One bar. Not closing it leaves its line on the terminal. */
    public interface Bar extends AutoCloseable {
        /** Draws nothing. */
        Bar NONE = new Bar() {
            @Override
            public void step(long units) {}

            @Override
            public void clearLine() {}

            @Override
            public void close() {}
        };

        /** {@code units} more are done. */
        void step(long units);

        /** Blanks the bar's line, so that a line written now does not start behind the bar; the next redraw brings it back. */
        void clearLine();

        /** Draws the bar's end and clears its line; the cursor is left at its start. */
        @Override
        void close();
    }
}
