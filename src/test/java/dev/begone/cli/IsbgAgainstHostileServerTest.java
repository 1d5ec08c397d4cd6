package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.state.AccountLock;
import dev.begone.testing.ScriptedImap;
import dev.begone.testing.ScriptedPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A hostile IMAP server ends the run with one clear line and exit 11, and the account's lock is free again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsbgAgainstHostileServerTest {
    @TempDir
    Path home;

    @Test
    void serverSendingAnEndlessLineEndsTheRunWithExitElevenAndReleasesTheLock() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        Path lockFile = home.resolve("the.lock");
        try (ScriptedPeer server = ScriptedPeer.start(0, ScriptedImap.serving("LOGIN", (c, tag) -> {
            c.send("* OK ");
            for (int i = 0; i < 64 * 1024 * 1024 / chunk.length; i++) c.send(chunk);
            c.stall();
        }))) {
            IsbgCli.Run run = new IsbgCli(home).env("PW", "secret").run(List.of("isbg", "--imaphost", "127.0.0.1",
                    "--imapport", String.valueOf(server.port()), "--nossl", "--allow-plaintext", "--imapuser", "alice",
                    "--password-env", "PW", "--noninteractive", "--lockfilename", lockFile.toString()));
            assertEquals(ExitCode.IMAP_ERROR.code(), run.exit(), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());
            assertTrue(run.err().contains("the server sent a response line longer than 16777216 bytes"), run.toString());
        }
        try (AccountLock free = AccountLock.acquire(lockFile, Duration.ofMinutes(240), false)) {
            assertTrue(free.warning().isEmpty(), "the lock was released cleanly");
        }
    }
}
