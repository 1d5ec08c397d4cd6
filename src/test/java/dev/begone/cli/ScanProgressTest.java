package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.progress.ProgressBars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whether a run draws a progress bar, and where its line is left: a bar only on a terminal and only for a scan of
 * many new messages, its line blank once the scan is done, so that the closing table starts on a clean line.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ScanProgressTest {
    private static final Map<String, String> SIXTY_COLUMNS = Map.of("COLUMNS", "60");
    /** What a cleared bar leaves: its line blanked, the cursor at its start (59 columns: one short of the width). */
    private static final String CLEARED = "\r" + " ".repeat(59) + "\r";

    private final StringWriter err = new StringWriter();

    @Test
    void noBarIsDrawnWhereStderrIsNoTerminal() {
        scanOfManyMessages(Terminal.progressBars(new PrintWriter(err, true), false, SIXTY_COLUMNS));
        assertEquals("", err.toString());
    }

    @Test
    void onATerminalAScanOfManyNewMessagesDrawsABarAndBlanksItsLineWhenDone() {
        scanOfManyMessages(Terminal.progressBars(new PrintWriter(err, true), true, SIXTY_COLUMNS));

        String drawn = err.toString();
        assertTrue(drawn.contains("alice: INBOX"), drawn);
        assertTrue(drawn.contains(ScanProgress.BAR_FROM + "/" + ScanProgress.BAR_FROM + " msgs"), drawn);
        assertTrue(!drawn.contains("\n") && drawn.endsWith(CLEARED), "redrawn on one line, blank at the end: " + drawn);
        for (String drawing : drawn.split("\r")) assertTrue(drawing.length() <= 59, "wider than the terminal: " + drawing);
    }

    @Test
    void aScanOfFewerNewMessagesDrawsNoBarEvenOnATerminal() {
        try (ScanProgress progress = new ScanProgress(Terminal.progressBars(new PrintWriter(err, true), true, SIXTY_COLUMNS), "alice: ")) {
            progress.scanning("INBOX", ScanProgress.BAR_FROM - 1);
            progress.judged("INBOX", ScanProgress.BAR_FROM - 1);
        }
        assertEquals("", err.toString());
    }

    @Test
    void closingTheRunClearsTheBarOfAScanThatStoppedHalfWay() {
        try (ScanProgress progress = new ScanProgress(Terminal.progressBars(new PrintWriter(err, true), true, SIXTY_COLUMNS), "")) {
            progress.scanning("INBOX", 1000);
            progress.judged("INBOX", 50);
        }
        assertTrue(err.toString().endsWith(CLEARED), err.toString());
        assertTrue(err.toString().contains("INBOX"), err.toString());
    }

    @Test
    void theWidthIsTheShellsColumnsWhenItExportsThemElseEighty() {
        assertEquals(132, Terminal.columns(Map.of("COLUMNS", "132")));
        assertEquals(80, Terminal.columns(Map.of()));
        assertEquals(80, Terminal.columns(Map.of("COLUMNS", "wide")));
        assertEquals(80, Terminal.columns(Map.of("COLUMNS", "5")));
    }

    /** A scan of {@link ScanProgress#BAR_FROM} messages in two batches, reported as the pipeline reports it. */
    private static void scanOfManyMessages(ProgressBars bars) {
        try (ScanProgress progress = new ScanProgress(bars, "alice: ")) {
            progress.scanning("INBOX", ScanProgress.BAR_FROM);
            progress.judged("INBOX", 100);
            progress.judged("INBOX", ScanProgress.BAR_FROM - 100);
        }
    }
}
