package dev.begone.cli;

import dev.begone.classify.Verdict;
import dev.begone.imap.UidSet;
import dev.begone.pipeline.LearnFlow;
import dev.begone.pipeline.PipelineListener;
import dev.begone.pipeline.TrainingOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * What a run tells the user on stderr: warnings always, per-message lines with --verbose, bodies with --verbose-mails;
 * and the journal steps for crash tests ({@link Steps}).
 */
final class Verbose implements PipelineListener {

    private static final int MAIL_PREVIEW_BYTES = 4096;

    private final PrintWriter err;
    /** Put before every line: empty for isbg, which serves one account, else the account's name and a colon. */
    private final String who;
    private final boolean perMessage;
    private final boolean mails;
    /** How the user allows a plain EXPUNGE, or that they cannot. */
    private final String plainExpungeAdvice;
    private final Steps steps = new Steps();
    private int warnings;

    private Verbose(PrintWriter err, String who, boolean perMessage, boolean mails, String plainExpungeAdvice) {
        this.err = err;
        this.who = who;
        this.perMessage = perMessage;
        this.mails = mails;
        this.plainExpungeAdvice = plainExpungeAdvice;
    }

    @Override
    public void step(String name) {
        // A crash test may halt the JVM at this step: what was said so far must be out.
        err.flush();
        steps.step(name);
    }

    /** isbg's lines: they name no account, since isbg serves one. */
    static Verbose isbg(PrintWriter err, boolean perMessage, boolean mails) {
        return new Verbose(err, "", perMessage, mails, "use --expunge to allow a plain EXPUNGE");
    }

    /** Lines of one account among several: each starts with its name. */
    static Verbose account(PrintWriter err, String account, boolean perMessage) {
        return new Verbose(err, account + ": ", perMessage, false,
                "begone run sends none: it would also remove every other message marked \\Deleted");
    }

    /** Warnings and skipped messages told so far: a run with any has something to say. */
    synchronized int warnings() {
        return warnings;
    }

    @Override
    public synchronized void scored(String folder, long uid, Verdict v) {
        if (perMessage) {
            err.printf("%s%s uid %d: %s score=%.1f/%.1f %s%n", who, folder, uid, v.outcome().name().toLowerCase(java.util.Locale.ROOT),
                    v.score(), v.threshold(), String.join(",", v.reasons()));
        }
    }

    @Override
    public synchronized void skipped(String folder, long uid, String reason) {
        warnings++;
        err.println("begone: " + who + folder + " uid " + uid + " skipped: " + reason);
    }

    /** The one line of a training message: with --verbose, or always when it is something to act on. */
    @Override
    public synchronized void trainingOutcome(TrainingOutcome o) {
        if (o.warning()) {
            warnings++;
            err.println("begone: " + who + line(o));
        } else if (perMessage) {
            err.println(who + line(o));
        }
    }

    private static String line(TrainingOutcome o) {
        return o.folder() + " uid " + o.uid() + ": " + o.headline() + ": " + o.outcome();
    }

    @Override
    public synchronized void recovered(int actions) {
        err.println("begone: " + who + "completed " + actions + " action(s) left unfinished by an earlier run");
    }

    @Override
    public synchronized void leftMarkedDeleted(String folder, UidSet uids) {
        warning("server lacks UIDPLUS: " + uids + " left marked \\Deleted (" + plainExpungeAdvice + ")");
    }

    @Override
    public synchronized void warning(String message) {
        warnings++;
        err.println("begone: " + who + message);
    }

    /** Said only when there were failures, so that isbg's statistics lines stay as they were otherwise. */
    synchronized void classifierFailures(String what, int retried, int givenUp) {
        classifierFailures(what, retried, givenUp, "given up after " + LearnFlow.MAX_ATTEMPTS + " attempts and left where they are");
    }

    /** @param givenUpFate what became of the messages given up on, e.g. {@code given up and moved to learn_errors} */
    synchronized void classifierFailures(String what, int retried, int givenUp, String givenUpFate) {
        if (retried + givenUp == 0) return;
        warnings++;
        err.println((who.isEmpty() ? "" : "begone: " + who) + (retried + givenUp) + " " + what + " because the classifier failed on them: " + retried
                + " to be tried again next run, " + givenUp + " " + givenUpFate);
    }

    @Override
    public synchronized void message(String folder, long uid, byte[] raw) {
        if (!mails) return;
        int n = Math.min(raw.length, MAIL_PREVIEW_BYTES);
        err.println("----- " + who + folder + " uid " + uid + " (" + raw.length + " bytes)");
        err.println(new String(raw, 0, n, StandardCharsets.UTF_8) + (n < raw.length ? "\n[...]" : ""));
    }

    /** A stream for the IMAP library's protocol trace that ends up in the command's error writer. */
    static PrintStream traceStream(PrintWriter err) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b & 0xff);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(new String(b, off, len, StandardCharsets.ISO_8859_1));
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true, StandardCharsets.ISO_8859_1);
    }
}
