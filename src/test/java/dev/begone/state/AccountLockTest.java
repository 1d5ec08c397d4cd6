package dev.begone.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AccountLockTest {
    private static final Duration GRACE = Duration.ofMinutes(60);
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Real path: messages name the lock file by its directory's real path. */
    private Path lockFile() throws Exception {
        return dir.toRealPath().resolve("locks/0123456789abcdef.lock");
    }

    @Test
    void secondLockHolderIsRefusedWithPid() throws Exception {
        try (ChildJvm child = ChildJvm.start("hold-lock", lockFile().toString())) {
            child.awaitLine("HELD " + child.pid(), CHILD_TIMEOUT);
            String content = Files.readString(lockFile());
            assertTrue(content.startsWith("begone pid=" + child.pid() + " since="), content);
            String since = content.substring(content.indexOf("since=") + 6).trim();

            LockedException e = assertThrows(LockedException.class, () -> AccountLock.acquire(lockFile(), GRACE, false));
            assertEquals("another begone run holds " + lockFile() + " (pid " + child.pid() + ", since " + since + ")",
                    e.getMessage());
        }
    }

    @Test
    void lockIsFreedWhenHolderDies() throws Exception {
        try (ChildJvm child = ChildJvm.start("hold-lock", lockFile().toString())) {
            child.awaitLine("HELD ", CHILD_TIMEOUT);
            assertThrows(LockedException.class, () -> AccountLock.acquire(lockFile(), GRACE, false));
            assertEquals(StateChild.HALTED, child.haltAndWait(CHILD_TIMEOUT));
        }
        // The dead run's pid is still in the file, but the OS lock went with it: taken over without fuss.
        try (AccountLock lock = AccountLock.acquire(lockFile(), GRACE, false)) {
            assertEquals(Optional.empty(), lock.warning());
            assertTrue(Files.readString(lockFile()).startsWith("begone pid=" + ProcessHandle.current().pid() + " "));
        }
    }

    @Test
    void lockIsReleasedOnCloseAndTheFileKeptOwnerOnly() throws Exception {
        AccountLock.acquire(lockFile(), GRACE, false).close();
        assertEquals("", Files.readString(lockFile()), "no pid left behind to mislead");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile().getParent())));
        try (AccountLock again = AccountLock.acquire(lockFile(), GRACE, false)) {
            assertEquals(Optional.empty(), again.warning());
        }
    }

    @Test
    void secondAcquireInSameProcessIsRefusedWithoutLosingTheLock() throws Exception {
        try (AccountLock held = AccountLock.acquire(lockFile(), GRACE, false)) {
            assertEquals(lockFile(), held.file());
            LockedException e = assertThrows(LockedException.class, () -> AccountLock.acquire(lockFile(), GRACE, false));
            assertTrue(e.getMessage().startsWith(
                    "another begone run holds " + lockFile() + " (pid " + ProcessHandle.current().pid() + ", since "),
                    e.getMessage());
            // POSIX drops a process's lock when it closes any descriptor of the file; the refusal must not.
            try (ChildJvm child = ChildJvm.start("try-lock", lockFile().toString())) {
                assertTrue(child.awaitLine("REFUSED ", CHILD_TIMEOUT).contains("pid " + ProcessHandle.current().pid()));
            }
        }
    }

    @Test
    void youngForeignLockFileCountsAsHeldWithinGrace() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        writeIsbgLockFile(clock.instant().minus(Duration.ofMinutes(5)));

        LockedException e = assertThrows(LockedException.class, () -> AccountLock.acquire(lockFile(), GRACE, false, clock));
        assertEquals("another run holds " + lockFile() + " (pid 4242, since 2025-03-01T09:55:00Z; not an OS lock, so it "
                + "counts as held for the lock grace of 60 min)", e.getMessage());
        assertEquals("4242\n", Files.readString(lockFile()), "a refused run leaves the file alone");
    }

    @Test
    void oldForeignLockFileIsTakenOverAfterGrace() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        writeIsbgLockFile(clock.instant().minus(Duration.ofHours(2)));

        try (AccountLock lock = AccountLock.acquire(lockFile(), GRACE, false, clock)) {
            assertEquals(Optional.of("taking over " + lockFile() + " left by pid 4242, since 2025-03-01T08:00:00Z: older "
                    + "than the lock grace of 60 min"), lock.warning());
            assertEquals("begone pid=" + ProcessHandle.current().pid() + " since=2025-03-01T10:00:00Z\n",
                    Files.readString(lockFile()));
        }
    }

    @Test
    void ignoreLockfileProceeds() throws Exception {
        try (ChildJvm child = ChildJvm.start("hold-lock", lockFile().toString())) {
            child.awaitLine("HELD ", CHILD_TIMEOUT);
            String childContent = Files.readString(lockFile());

            try (AccountLock ignored = AccountLock.acquire(lockFile(), GRACE, true)) {
                String warning = ignored.warning().orElseThrow();
                assertTrue(warning.startsWith("ignoring: another begone run holds " + lockFile() + " (pid " + child.pid()
                        + ", since "), warning);
            }
            assertEquals(childContent, Files.readString(lockFile()), "the holder's record is left as it was");
            assertThrows(LockedException.class, () -> AccountLock.acquire(lockFile(), GRACE, false),
                    "closing an ignoring run does not release the holder's lock");
        }
    }

    /** isbg writes only its pid and never takes an OS lock. */
    private void writeIsbgLockFile(Instant modified) throws Exception {
        Files.createDirectories(lockFile().getParent());
        Files.writeString(lockFile(), "4242\n");
        Files.setLastModifiedTime(lockFile(), FileTime.from(modified));
    }
}
