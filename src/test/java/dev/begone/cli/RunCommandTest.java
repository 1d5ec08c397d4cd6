package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@code begone run} decides before it connects anywhere. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RunCommandTest {
    private static final Path EXAMPLE = Path.of("examples/config.yaml");

    @TempDir
    Path home;

    @Test
    void everyKeyThisVersionDoesNotApplyIsNamedAndFailsItsAccountWithExit10() {
        // alice of the example fails before her password is even looked up (it would run pass).
        IsbgCli.Run run = new IsbgCli(home).run("run", "--config", EXAMPLE.toString(), "--account", "alice");

        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertEquals(List.of("begone: alice: training.allow-sender, training.errors, training.from-moves: "
                        + "this version of begone does not apply these keys yet; remove them to run this account"),
                run.err().lines().toList());
        List<String> table = run.out().lines().toList();
        assertEquals(2, table.size(), run.toString());
        assertTrue(table.get(1).matches("alice +10 +configuration +- +- +- +\\d+\\.\\ds +training.allow-sender, .*"), table.get(1));
    }

    @Test
    void aBadConfigurationFileStopsTheRunWithOneLineAndExit10() throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: alice
                    imap: { host: 127.0.0.1, port: 99999, user: alice, password: { env: PW } }
                """);

        IsbgCli.Run run = new IsbgCli(home).run("run", "--config", file.toString());

        assertEquals(new IsbgCli.Run(ExitCode.BAD_ARGUMENTS.code(), "",
                file + ":3:36: accounts[0].imap.port: expected a whole number from 1 to 65535, got 99999\n"), run);
    }

    @Test
    void aTrainingFolderThatIsAlsoScannedFailsItsAccount() throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: alice
                    imap: { host: 127.0.0.1, user: alice, password: { env: PW } }
                    training: { learn-ham: [INBOX] }
                """);

        IsbgCli.Run run = new IsbgCli(home).run("run", "--config", file.toString());

        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertEquals(List.of("begone: alice: training folder INBOX is also scanned: a training folder must be a folder of its own"),
                run.err().lines().toList());
    }
}
