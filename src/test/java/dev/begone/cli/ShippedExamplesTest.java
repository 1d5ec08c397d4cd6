package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What examples/ ships for systemd and cron is valid as it stands, and starts the commands the README names. */
class ShippedExamplesTest {
    private static final Path SYSTEMD = Path.of("examples", "systemd");

    @TempDir
    Path dir;

    @Test
    void systemdAcceptsTheWatchServiceTheRunServiceAndItsTimer() throws Exception {
        ServerProcess.assumeInstalled("systemd-analyze", "systemd");
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (String unit : List.of("begone-watch.service", "begone-run.service", "begone-run.timer")) {
            // The binary as the units name it need not exist on the test machine; everything else is checked.
            String text = Files.readString(SYSTEMD.resolve(unit)).replace("/usr/local/bin/begone", "/bin/echo");
            Files.writeString(dir.resolve(unit), text);
            command.add(dir.resolve(unit).toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify within 60 s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip());
    }

    @Test
    void theUnitsAndTheCrontabRunTheDocumentedCommands() throws Exception {
        assertTrue(Files.readString(SYSTEMD.resolve("begone-watch.service")).contains("ExecStart=/usr/local/bin/begone watch --config "));
        assertTrue(Files.readString(SYSTEMD.resolve("begone-run.service")).contains("ExecStart=/usr/local/bin/begone run --config "));
        assertTrue(Files.readString(SYSTEMD.resolve("begone-run.timer")).contains("OnUnitActiveSec=10min"));
        assertTrue(Files.readString(Path.of("examples", "crontab")).contains("begone run"));
    }
}
