package dev.begone.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run per account at a time (isbg's lock file, for cron jobs that overlap).
 *
 * <p>The lock is an OS lock ({@link FileChannel#tryLock}) on the lock file, which also records the holder's pid
 * and start time for the refusal message. The OS frees the lock when the holder exits in any way, kill -9
 * included, so a begone lock can never go stale and needs no grace period.
 *
 * <p>The grace period (isbg's {@code --lockfilegrace}) applies only to a lock file that holds no OS lock yet
 * has content: one written by isbg itself (which only writes its pid), or any lock file on a filesystem
 * without working locks. Such a file younger than the grace counts as held; an older one is taken over with
 * a warning. With {@code ignore} (isbg's {@code --ignorelockfile}) the run proceeds regardless and
 * {@link #warning()} says what was ignored.
 *
 * <p>The file is emptied, not deleted, on close: deleting a file other processes may have open lets two of
 * them lock two different inodes of the same name.
 */
public final class AccountLock implements AutoCloseable {
    private static final Pattern BEGONE_CONTENT = Pattern.compile("begone pid=(\\d{1,18}) since=(\\S+)");
    private static final Pattern FOREIGN_PID = Pattern.compile("\\d{1,18}");

    /**
     * Lock files this JVM holds, guarded by itself. POSIX releases all of a process's locks on a file as soon
     * as the process closes any descriptor of it, so a second acquire in this JVM must not even open the file.
     */
    private static final Map<Path, AccountLock> HELD = new HashMap<>();

    private final Path file;
    /** Null when nothing is held: a live lock was ignored. */
    private final FileChannel channel;
    /** False on a filesystem without working locks: the file's presence is the lock, as in isbg. */
    private final boolean osLocked;
    private final Holder holder;
    private final String warning;
    private boolean closed;

    private AccountLock(Path file, FileChannel channel, boolean osLocked, Holder holder, String warning) {
        this.file = file;
        this.channel = channel;
        this.osLocked = osLocked;
        this.holder = holder;
        this.warning = warning;
    }

    public static AccountLock acquire(Path lockFile, Duration grace, boolean ignore) throws IOException {
        return acquire(lockFile, grace, ignore, Clock.systemUTC());
    }

    /**
     * Takes the lock or throws {@link LockedException} naming the holder; with {@code ignore}, never throws
     * for a held lock but returns a lock that holds nothing and carries a {@link #warning()}.
     */
    public static AccountLock acquire(Path lockFile, Duration grace, boolean ignore, Clock clock) throws IOException {
        Objects.requireNonNull(grace, "grace == null");
        if (grace.isNegative()) throw new IllegalArgumentException("grace is negative: " + grace);
        Path given = lockFile.toAbsolutePath().normalize();
        synchronized (HELD) {
            if (given.getParent() != null) PrivateFiles.createDirectories(given.getParent());
            // The directory's real path, so that two spellings of one file share one entry in HELD.
            Path file = given.getParent() == null ? given : given.getParent().toRealPath().resolve(given.getFileName());
            AccountLock mine = HELD.get(file);
            if (mine != null) return heldElsewhere(file, mine.holder, ignore);
            FileChannel channel = FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                    PrivateFiles.attributes(file, "rw-------"));
            try {
                return lockOpened(file, channel, grace, ignore, clock);
            } catch (IOException | RuntimeException e) {
                try {
                    channel.close();
                } catch (IOException second) {
                    e.addSuppressed(second);
                }
                throw e;
            }
        }
    }

    private static AccountLock lockOpened(Path file, FileChannel channel, Duration grace, boolean ignore, Clock clock)
            throws IOException {
        FileLock osLock;
        boolean locksWork = true;
        try {
            osLock = channel.tryLock();
        } catch (IOException unsupported) {
            // ENOLCK and friends: e.g. NFS without a lock daemon.
            osLock = null;
            locksWork = false;
        }
        Holder found = Holder.read(channel, file);
        if (locksWork && osLock == null) {
            channel.close();
            return heldElsewhere(file, found, ignore);
        }
        String warning = null;
        if (found != null && (!found.begone || !locksWork)) {
            Duration age = Duration.between(Files.getLastModifiedTime(file).toInstant(), clock.instant());
            if (age.compareTo(grace) < 0) {
                String held = (found.begone ? "another begone run holds " : "another run holds ") + file + " ("
                        + found.describe() + "; not an OS lock, so it counts as held for the lock grace of "
                        + minutes(grace) + ")";
                if (!ignore) throw new LockedException(held);
                warning = "ignoring: " + held;
            } else {
                warning = "taking over " + file + " left by " + found.describe() + ": older than the lock grace of "
                        + minutes(grace);
            }
        }
        Holder me = new Holder(ProcessHandle.current().pid(), clock.instant().truncatedTo(ChronoUnit.SECONDS), true);
        byte[] content = me.content().getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(content), 0);
        channel.force(true);
        AccountLock lock = new AccountLock(file, channel, locksWork, me, warning);
        HELD.put(file, lock);
        return lock;
    }

    private static AccountLock heldElsewhere(Path file, Holder holder, boolean ignore) throws IOException {
        String held = "another begone run holds " + file + " (" + (holder == null ? "pid unknown" : holder.describe())
                + ")";
        if (!ignore) throw new LockedException(held);
        return new AccountLock(file, null, false, null, "ignoring: " + held);
    }

    private static String minutes(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    public Path file() {
        return file;
    }

    /** What the caller should print: a lock that was ignored or a stale foreign lock file taken over. */
    public Optional<String> warning() {
        return Optional.ofNullable(warning);
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed || channel == null) return;
            closed = true;
            HELD.remove(file, this);
            try (channel) {
                // Emptied before the lock goes, so nobody reads this run's pid as a holder afterwards.
                channel.truncate(0);
            }
            if (!osLocked) Files.deleteIfExists(file);
        }
    }

    /** Who wrote a lock file: begone's "begone pid=N since=T" or a foreign (isbg) file holding a pid. */
    private record Holder(long pid, Instant since, boolean begone) {
        static Holder read(FileChannel channel, Path file) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(512);
            int n;
            do {
                n = channel.read(buf, buf.position());
            } while (n > 0 && buf.hasRemaining());
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) return null;
            Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
            Matcher m = BEGONE_CONTENT.matcher(text);
            if (m.lookingAt()) {
                Instant since;
                try {
                    since = Instant.parse(m.group(2));
                } catch (DateTimeParseException e) {
                    since = modified;
                }
                return new Holder(Long.parseLong(m.group(1)), since, true);
            }
            return new Holder(FOREIGN_PID.matcher(text).matches() ? Long.parseLong(text) : 0, modified, false);
        }

        String content() {
            return "begone pid=" + pid + " since=" + since + "\n";
        }

        String describe() {
            return (pid > 0 ? "pid " + pid : "pid unknown") + ", since " + since;
        }
    }
}
