package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@code begone watch} refuses before it starts watching anything: one line each, exit code 10. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WatchCommandTest {
    private static final Path EXAMPLE = Path.of("examples/config.yaml");

    @TempDir
    Path home;

    @Test
    void anUnknownLogFormatIsRefused() {
        IsbgCli.Run run = new IsbgCli(home).run("watch", "--config", EXAMPLE.toString(), "--log-format", "xml");
        assertEquals(new IsbgCli.Run(10, "", "begone: --log-format must be text or json, not 'xml'\n"
                + "Use --help to see valid options and arguments\n"), run);
    }

    @Test
    void anAccountNotInTheFileIsRefused() {
        IsbgCli.Run run = new IsbgCli(home).run("watch", "--config", EXAMPLE.toString(), "--account", "zoe");
        assertEquals(10, run.exit(), run.toString());
        assertEquals("begone: --account zoe: " + EXAMPLE + " has no such account (it has alice, bob, carol, dave)",
                run.err().lines().findFirst().orElseThrow());
    }

    @Test
    void aPasswordThatCannotBeFoundStopsTheWatch() {
        IsbgCli.Run run = new IsbgCli(home).run("watch", "--config", EXAMPLE.toString(), "--account", "carol");
        assertEquals(10, run.exit(), run.toString());
        assertEquals("begone: carol: password env CAROL_IMAP_PASSWORD: the variable is not set",
                run.err().lines().findFirst().orElseThrow());
    }

    @Test
    void aPeriodOfNoMinutesIsRefused() {
        IsbgCli.Run run = new IsbgCli(home).run("watch", "--config", EXAMPLE.toString(), "--periodic-minutes", "0");
        assertEquals(10, run.exit(), run.toString());
        assertEquals("begone: --periodic-minutes must be at least 1, not 0", run.err().lines().findFirst().orElseThrow());
    }
}
