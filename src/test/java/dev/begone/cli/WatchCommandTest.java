package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.config.AccountConfig;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.config.Schedule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code begone watch} refuses before it starts watching anything (one line each, exit code 10), and the schedule
 * it watches each account on.
 */
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

    @Test
    void aPollOfNoSecondsIsRefused() {
        IsbgCli.Run run = new IsbgCli(home).run("watch", "--config", EXAMPLE.toString(), "--poll-seconds", "0");
        assertEquals(10, run.exit(), run.toString());
        assertEquals("begone: --poll-seconds must be at least 1, not 0", run.err().lines().findFirst().orElseThrow());
    }

    @Test
    void eachAccountIsWatchedOnTheScheduleOfItsConfiguration() throws Exception {
        WatchCommand watch = parsed("watch", "--config", EXAMPLE.toString());
        assertEquals(new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(60)), watch.schedule(account("alice")));
        assertEquals(new Schedule(Duration.ofMinutes(60), Duration.ofSeconds(30)), watch.schedule(account("dave")));
    }

    @Test
    void anIntervalOnTheCommandLineReplacesThatOfEveryAccountAndLeavesTheOther() throws Exception {
        WatchCommand poll = parsed("watch", "--config", EXAMPLE.toString(), "--poll-seconds", "5");
        assertEquals(new Schedule(Duration.ofMinutes(10), Duration.ofSeconds(5)), poll.schedule(account("alice")));
        assertEquals(new Schedule(Duration.ofMinutes(60), Duration.ofSeconds(5)), poll.schedule(account("dave")));

        WatchCommand periodic = parsed("watch", "--config", EXAMPLE.toString(), "--periodic-minutes", "2");
        assertEquals(new Schedule(Duration.ofMinutes(2), Duration.ofSeconds(60)), periodic.schedule(account("alice")));
        assertEquals(new Schedule(Duration.ofMinutes(2), Duration.ofSeconds(30)), periodic.schedule(account("dave")));
    }

    @Test
    void configCheckShowsAScheduleOtherThanTheDefault() {
        IsbgCli.Run run = new IsbgCli(home).run("config", "check", "--config", EXAMPLE.toString());
        assertEquals(0, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("  watch: ")).count(), run.out());
        int dave = lines.indexOf(lines.stream().filter(l -> l.startsWith("dave: ")).findFirst().orElseThrow());
        assertTrue(lines.subList(dave, lines.size()).contains(
                "  watch: periodic work every 60 min, polling every 30 s where the server has no IDLE"), run.out());
    }

    /** The command as picocli fills it from {@code args}, not run. */
    private WatchCommand parsed(String... args) {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), env(), false);
        return (WatchCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
    }

    private AccountConfig account(String name) throws ConfigException {
        return Configuration.load(EXAMPLE, env()).account(name).orElseThrow();
    }

    private Map<String, String> env() {
        return Map.of("HOME", home.toString());
    }
}
