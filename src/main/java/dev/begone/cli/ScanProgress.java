package dev.begone.cli;

import dev.begone.imap.UidSet;
import dev.begone.pipeline.PipelineListener;
import dev.begone.progress.ProgressBars;

/**
 * A progress bar for each scan with many new messages, as the pipeline reports them. Put it first among a run's
 * listeners: it blanks the bar's line before the others print theirs. Close it before the run's closing lines.
 */
final class ScanProgress implements PipelineListener, AutoCloseable {
    /**
     * New messages in one folder from which a scan shows a bar. The default partial-run (50) never gets there, so a
     * bar is for a first scan of a big folder (partial-run 0, or a large one); at spamd's pace (about 17 messages a
     * second measured) this many take 20 s, long enough to wonder, while a few dozen pass before a bar could say much.
     */
    static final int BAR_FROM = 300;

    private final ProgressBars bars;
    /** Put before the folder's name on the bar: the account's name and a colon, or nothing for isbg. */
    private final String who;
    private ProgressBars.Bar bar = ProgressBars.Bar.NONE;
    /** Messages of the scan in hand not judged yet. */
    private long remaining;

    ScanProgress(ProgressBars bars, String who) {
        this.bars = bars;
        this.who = who;
    }

    @Override
    public synchronized void scanning(String folder, long messages) {
        close();
        remaining = messages;
        if (messages >= BAR_FROM) bar = bars.start(who + folder, messages);
    }

    /** The bar of a scan is gone once it is done: what the run does next may have lines to print. */
    @Override
    public synchronized void judged(String folder, long messages) {
        bar.step(messages);
        remaining -= messages;
        if (remaining <= 0) close();
    }

    // What the scan's other listeners print a line for starts on a blank line.

    @Override
    public synchronized void skipped(String folder, long uid, String reason) {
        bar.clearLine();
    }

    @Override
    public synchronized void warning(String message) {
        bar.clearLine();
    }

    @Override
    public synchronized void leftMarkedDeleted(String folder, UidSet uids) {
        bar.clearLine();
    }

    /** Clears the bar's line, so that what is printed next starts on it. */
    @Override
    public synchronized void close() {
        bar.close();
        bar = ProgressBars.Bar.NONE;
    }
}
