package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --password-command ends by its deadline, output included, and leaves no process of its own behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PasswordCommandTest {
    @TempDir
    Path dir;

    Map<String, String> env() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "D", dir.toString());
    }

    @Test
    void aCommandThatPrintsItsLineAndLeavesAChildBehindIsDoneAtOnceAndTheChildIsKilled() throws Exception {
        long start = System.nanoTime();
        // The line comes once the child has said who it is: killed before that (a loaded machine), it could not be found.
        String password = Passwords.fromCommand("sh -c 'echo $$ > \"$D/child\"; exec sleep 80' & "
                + "while [ ! -s \"$D/child\" ]; do sleep 0.05; done; echo pw", env(), Duration.ofSeconds(20)).reveal();
        assertEquals("pw", password);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "did not wait for the child's output to end");
        assertGone(childPid());
    }

    @Test
    void aCommandThatNeverFinishesIsKilledWithItsChildrenAtTheLimit() throws Exception {
        long start = System.nanoTime();
        ExitException e = assertThrows(ExitException.class, () -> Passwords.fromCommand(
                "sh -c 'echo $$ > \"$D/child\"; exec sleep 80' & sleep 80; echo late", env(), Duration.ofSeconds(2)));
        long took = System.nanoTime() - start;
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals("--password-command did not finish within 2 s", e.getMessage());
        assertTrue(took < TimeUnit.SECONDS.toNanos(12), "took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        assertGone(childPid());
    }

    @Test
    void aCommandThatExitsButKeepsItsOutputOpenWithoutALineFailsAtTheLimit() {
        ExitException e = assertThrows(ExitException.class, () -> Passwords.fromCommand(
                "printf 'no newline yet'; sleep 80 &", env(), Duration.ofSeconds(2)));
        assertEquals("--password-command did not finish within 2 s", e.getMessage());
    }

    @Test
    void aFailingCommandSaysItsExitStatus() {
        ExitException e = assertThrows(ExitException.class, () -> Passwords.fromCommand("echo pw; exit 3", env(),
                Duration.ofSeconds(20)));
        assertEquals("--password-command exited with 3", e.getMessage());
    }

    private long childPid() throws Exception {
        Path pidFile = dir.resolve("child");
        for (int i = 0; i < 100 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) Thread.sleep(50);
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    private static void assertGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs");
    }
}
