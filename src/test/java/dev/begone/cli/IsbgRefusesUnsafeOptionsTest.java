package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Options that would destroy mail or file it in circles are refused with one line and exit 10, before any connection. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsbgRefusesUnsafeOptionsTest {
    @TempDir
    Path home;

    IsbgCli.Run isbg(String... extra) {
        List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport", "1", "--imapuser",
                "alice", "--password-env", "PW", "--noninteractive"));
        args.addAll(List.of(extra));
        return new IsbgCli(home).env("PW", "secret").run(args);
    }

    void assertRefused(String expectedLine, IsbgCli.Run run) {
        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertEquals(expectedLine, run.err().lines().findFirst().orElse(""), run.toString());
    }

    @ParameterizedTest
    @CsvSource({"builtin,10", "builtin,98", "builtin+spamd,60"})
    void deleteHigherThanAtOrBelowTheSpamThresholdOfAZeroToHundredScaleIsRefused(String classifier, String value) {
        assertRefused("begone: --deletehigherthan " + value + " is at or below the spam threshold 98 of classifier "
                + classifier + " (it scores from 0 to 100 and calls spam above 98): every spam would be deleted "
                + "without a copy; give a value above 98", isbg("--classifier", classifier, "--deletehigherthan", value));
    }

    @Test
    void deleteHigherThanAtOrBelowAGivenRspamdThresholdIsRefused() {
        assertRefused("begone: --deletehigherthan 6 is at or below the spam threshold 8 of classifier rspamd (it scores "
                + "in Rspamd points and calls spam from --rspamd-threshold 8.0): every spam would be deleted without a copy; "
                + "give a value above 8", isbg("--classifier", "rspamd", "--rspamd-threshold", "8", "--deletehigherthan", "6"));
    }

    @Test
    void filingSpamIntoTheScannedFolderIsRefused() {
        assertRefused("begone: --spaminbox INBOX is the scanned folder --imapinbox INBOX: spam would be filed where it is "
                + "found, again on every run", isbg("--spaminbox", "INBOX"));
        assertRefused("begone: --spaminbox inbox is the scanned folder --imapinbox INBOX: spam would be filed where it is "
                + "found, again on every run", isbg("--spaminbox", "inbox"));
    }

    @Test
    void learningFromTheScannedFolderIsRefused() {
        assertRefused("begone: --learnspambox INBOX is the scanned folder --imapinbox INBOX: a training folder must be a "
                + "folder of its own", isbg("--learnspambox", "INBOX"));
        assertRefused("begone: --learnhambox Mail/In is the scanned folder --imapinbox Mail/In: a training folder must be "
                + "a folder of its own", isbg("--imapinbox", "Mail/In", "--learnhambox", "Mail/In"));
    }
}
