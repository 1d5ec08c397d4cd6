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
    void trainingFoldersThatWouldGoRoundInCirclesFailTheirAccountBeforeItConnects() throws Exception {
        Path file = home.resolve("config.yaml");
        Files.writeString(file, """
                accounts:
                  - name: scanned
                    imap: { host: 127.0.0.1, user: dave, password: { env: PW } }
                    training: { learn-ham: [INBOX] }
                  - name: twice
                    imap: { host: 127.0.0.1, user: alice, password: { env: PW } }
                    training: { learn-spam: [report], allow-sender: [report] }
                  - name: loop
                    imap: { host: 127.0.0.1, user: bob, password: { env: PW } }
                    training: { learn-spam: [report_spam], learn-ham: [report_ham], after: { spam: report_ham } }
                  - name: back
                    imap: { host: 127.0.0.1, user: carol, password: { env: PW } }
                    training: { allow-sender: [whitelist], allow-sender-to: whitelist }
                """);

        IsbgCli.Run run = new IsbgCli(home).run("run", "--config", file.toString());

        assertEquals(ExitCode.BAD_ARGUMENTS.code(), run.exit(), run.toString());
        assertEquals(List.of(
                "begone: scanned: training folder INBOX is also scanned: a training folder must be a folder of its own",
                "begone: twice: training folder report is listed under both learn-spam and allow-sender",
                "begone: loop: learn-ham folder report_ham is also where training moves messages to: they would be handled "
                        + "again on every run",
                "begone: back: allow-sender folder whitelist is also where training moves messages to: they would be handled "
                        + "again on every run"),
                run.err().lines().toList());
    }
}
