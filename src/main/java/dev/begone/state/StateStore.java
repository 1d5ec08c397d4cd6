package dev.begone.state;

import dev.begone.classify.Label;
import dev.begone.imap.UidSet;
import dev.begone.state.JournalEntry.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * begone's crash-safe memory: which UIDs were scanned, which messages were learned, and the journal of
 * IMAP actions. Every method that changes state has committed durably (WAL, synchronous=FULL) when it
 * returns, so a kill -9 or power loss right after it loses nothing. Safe to call from several threads;
 * calls are serialised on one connection. Several processes may share the file (SQLite's busy timeout).
 */
public final class StateStore implements AutoCloseable {
    /** "BGON": tells a begone state file from another program's SQLite database. */
    private static final int APPLICATION_ID = 0x42474F4E;
    private static final int BUSY_TIMEOUT_MS = 30_000;

    /**
     * Forward migrations; schema version N is reached by running entries 0..N-1. Append only: a released
     * entry is never edited, because state files in the wild were built by it.
     */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            // One row per (account, folder) holding the UIDVALIDITY it belongs to and the UIDs as an IMAP
            // sequence-set: a new UIDVALIDITY replaces the row, so rows of an old numbering cannot linger.
            """
            CREATE TABLE scanned (
              account TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uids TEXT NOT NULL,
              PRIMARY KEY (account, folder)) WITHOUT ROWID""",
            """
            CREATE TABLE learned (
              account TEXT NOT NULL, message_key TEXT NOT NULL, classifier TEXT NOT NULL,
              label TEXT NOT NULL, learned_at INTEGER NOT NULL,
              PRIMARY KEY (account, message_key, classifier)) WITHOUT ROWID""",
            """
            CREATE TABLE journal (
              id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, action TEXT NOT NULL,
              folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uids TEXT NOT NULL, destination TEXT,
              dest_uid_next INTEGER NOT NULL, detail TEXT, step TEXT NOT NULL, dest_uids TEXT NOT NULL,
              created INTEGER NOT NULL)""",
            "CREATE INDEX journal_by_step ON journal (account, step, id)"),
            // Messages a classifier failed on, one row per message: how often, and its last error. Self-contained, so
            // that it may run before or after other migrations appended at the same time.
            List.of("""
            CREATE TABLE IF NOT EXISTS message_failure (
              account TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uid INTEGER NOT NULL,
              fingerprint TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, updated INTEGER NOT NULL,
              PRIMARY KEY (account, folder, uid_validity, uid)) WITHOUT ROWID"""));

    static final int SCHEMA_VERSION = MIGRATIONS.size();

    private final Path file;
    private final Connection connection;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private StateStore(Path file, Connection connection, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
    }

    public static StateStore open(Path file) throws StateException {
        return open(file, Clock.systemUTC());
    }

    /** Opens or creates the state file, migrating its schema forward; {@code clock} stamps journal entries. */
    public static StateStore open(Path file, Clock clock) throws StateException {
        Objects.requireNonNull(clock, "clock == null");
        Path path = file.toAbsolutePath().normalize();
        try {
            if (path.getParent() != null) PrivateFiles.createDirectories(path.getParent());
            PrivateFiles.createFile(path);
        } catch (IOException e) {
            throw new StateException("cannot create state file " + path + ": " + e, e);
        }
        Connection connection;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            connection = config.createConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw openFailure(path, e);
        }
        try {
            migrate(connection, path);
        } catch (StateException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException second) {
                e.addSuppressed(second);
            }
            throw e;
        }
        return new StateStore(path, connection, clock);
    }

    /**
     * An in-memory copy of the state file (empty if there is none) for a dry run: it answers every question as the
     * file would, and whatever is written to it is gone on close. The file itself is neither created nor changed.
     */
    public static StateStore openInMemoryCopy(Path file) throws StateException {
        Path path = file.toAbsolutePath().normalize();
        Connection connection;
        try {
            connection = new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw openFailure(path, e);
        }
        try {
            if (Files.isRegularFile(path)) {
                try (Statement st = connection.createStatement()) {
                    // sqlite-jdbc's restore uses SQLite's online backup API, which reads the WAL as well.
                    st.executeUpdate("restore from '" + path.toString().replace("'", "''") + "'");
                }
            }
            migrate(connection, path);
        } catch (SQLException e) {
            closeAfterFailure(connection, e);
            throw openFailure(path, e);
        } catch (StateException | RuntimeException e) {
            closeAfterFailure(connection, e);
            throw e;
        }
        return new StateStore(path, connection, Clock.systemUTC());
    }

    private static void closeAfterFailure(Connection connection, Exception first) {
        try {
            connection.close();
        } catch (SQLException second) {
            first.addSuppressed(second);
        }
    }

    public Path file() {
        return file;
    }

    // ---- scanned UIDs

    /** UIDs of {@code folder} already scanned under this UIDVALIDITY; empty after the server renumbered. */
    public UidSet scanned(String account, String folder, long uidValidity) throws StateException {
        return inTransaction("read scanned UIDs", () -> scannedNow(account, folder, uidValidity));
    }

    /** Adds to the scanned UIDs; a UIDVALIDITY other than the stored one first forgets the old numbering. */
    public void addScanned(String account, String folder, long uidValidity, UidSet uids) throws StateException {
        Objects.requireNonNull(uids, "uids == null");
        inTransaction("record scanned UIDs", () -> {
            addScannedNow(account, folder, uidValidity, uids);
            return null;
        });
    }

    /** Keeps only the scanned UIDs still in {@code existing}, so messages deleted on the server cost nothing. */
    public void retainScanned(String account, String folder, long uidValidity, UidSet existing)
            throws StateException {
        Objects.requireNonNull(existing, "existing == null");
        inTransaction("prune scanned UIDs", () -> {
            UidSet kept = scannedNow(account, folder, uidValidity).intersect(existing);
            writeScanned(account, folder, uidValidity, kept);
            return null;
        });
    }

    private UidSet scannedNow(String account, String folder, long uidValidity) throws SQLException {
        JournalEntry.requireText(account, "account");
        Objects.requireNonNull(folder, "folder == null");
        try (PreparedStatement select =
                connection.prepareStatement("SELECT uid_validity, uids FROM scanned WHERE account = ? AND folder = ?")) {
            select.setString(1, account);
            select.setString(2, folder);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || row.getLong(1) != uidValidity) return UidSet.empty();
                return UidSet.parse(row.getString(2));
            }
        }
    }

    private void addScannedNow(String account, String folder, long uidValidity, UidSet uids) throws SQLException {
        UidSet before = scannedNow(account, folder, uidValidity);
        writeScanned(account, folder, uidValidity, before.union(uids));
    }

    private void writeScanned(String account, String folder, long uidValidity, UidSet uids) throws SQLException {
        if (uids.isEmpty()) {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM scanned WHERE account = ? AND folder = ?")) {
                delete.setString(1, account);
                delete.setString(2, folder);
                delete.executeUpdate();
            }
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                """
                INSERT INTO scanned (account, folder, uid_validity, uids) VALUES (?, ?, ?, ?)
                ON CONFLICT (account, folder) DO UPDATE SET uid_validity = excluded.uid_validity, uids = excluded.uids""")) {
            upsert.setString(1, account);
            upsert.setString(2, folder);
            upsert.setLong(3, uidValidity);
            upsert.setString(4, uids.toString());
            upsert.executeUpdate();
        }
    }

    // ---- learned messages

    public boolean isLearned(String account, String messageKey, String classifierName) throws StateException {
        return learnedAs(account, messageKey, classifierName).isPresent();
    }

    /** The label {@code classifierName} was last taught for this message, if any. */
    public Optional<Label> learnedAs(String account, String messageKey, String classifierName) throws StateException {
        return inTransaction("read learned messages", () -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT label FROM learned WHERE account = ? AND message_key = ? AND classifier = ?")) {
                select.setString(1, account);
                select.setString(2, messageKey);
                select.setString(3, classifierName);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(Label.valueOf(row.getString(1))) : Optional.<Label>empty();
                }
            }
        });
    }

    /** Records what the classifier was taught; teaching the other label later replaces it. */
    public void markLearned(String account, String messageKey, String classifierName, Label label)
            throws StateException {
        JournalEntry.requireText(account, "account");
        JournalEntry.requireText(messageKey, "messageKey");
        JournalEntry.requireText(classifierName, "classifierName");
        Objects.requireNonNull(label, "label == null");
        inTransaction("record a learned message", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    """
                    INSERT INTO learned (account, message_key, classifier, label, learned_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, message_key, classifier)
                    DO UPDATE SET label = excluded.label, learned_at = excluded.learned_at""")) {
                upsert.setString(1, account);
                upsert.setString(2, messageKey);
                upsert.setString(3, classifierName);
                upsert.setString(4, label.name());
                upsert.setLong(5, clock.millis());
                upsert.executeUpdate();
            }
            return null;
        });
    }

    // ---- messages a classifier failed on

    /**
     * Counts one more failed attempt on a message and keeps the classifier's error; returns the attempts so far. A
     * different fingerprint under the same UID (a server that reused it) starts the count again.
     */
    public int recordMessageFailure(String account, MessageFailure.Key key, String fingerprint, String error)
            throws StateException {
        JournalEntry.requireText(account, "account");
        JournalEntry.requireText(fingerprint, "fingerprint");
        Objects.requireNonNull(error, "error == null");
        return inTransaction("record a message the classifier failed on", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    """
                    INSERT INTO message_failure (account, folder, uid_validity, uid, fingerprint, attempts, last_error, updated)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                    ON CONFLICT (account, folder, uid_validity, uid) DO UPDATE SET
                      attempts = CASE WHEN fingerprint = excluded.fingerprint THEN attempts + 1 ELSE 1 END,
                      fingerprint = excluded.fingerprint, last_error = excluded.last_error, updated = excluded.updated""")) {
                upsert.setString(1, account);
                bindKey(upsert, 2, key);
                upsert.setString(5, fingerprint);
                upsert.setString(6, error);
                upsert.setLong(7, clock.millis());
                upsert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT attempts FROM message_failure WHERE account = ? AND folder = ? AND uid_validity = ? AND uid = ?")) {
                select.setString(1, account);
                bindKey(select, 2, key);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
    }

    /** The account's recorded failures, oldest first: for the user to see what was left where it is. */
    public List<MessageFailure> messageFailures(String account) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction("read messages the classifier failed on", () -> {
            List<MessageFailure> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM message_failure WHERE account = ? ORDER BY updated, folder, uid")) {
                select.setString(1, account);
                ResultSet rows = select.executeQuery();
                while (rows.next()) out.add(failureFrom(rows));
            }
            return out;
        });
    }

    private static MessageFailure failureFrom(ResultSet row) throws SQLException {
        return new MessageFailure(
                new MessageFailure.Key(row.getString("folder"), row.getLong("uid_validity"), row.getLong("uid")),
                row.getString("fingerprint"), row.getInt("attempts"), row.getString("last_error"),
                Instant.ofEpochMilli(row.getLong("updated")));
    }

    /** Forgets the failures of messages that have since gone through. */
    public void clearMessageFailures(String account, String folder, long uidValidity, UidSet uids) throws StateException {
        JournalEntry.requireText(account, "account");
        if (uids.isEmpty()) return;
        inTransaction("forget messages the classifier failed on", () -> {
            List<Long> failed = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT uid FROM message_failure WHERE account = ? AND folder = ? AND uid_validity = ?")) {
                bindFolder(select, account, folder, uidValidity);
                ResultSet rows = select.executeQuery();
                while (rows.next()) if (uids.contains(rows.getLong(1))) failed.add(rows.getLong(1));
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM message_failure WHERE account = ? AND folder = ? AND uid_validity = ? AND uid = ?")) {
                for (long uid : failed) {
                    bindFolder(delete, account, folder, uidValidity);
                    delete.setLong(4, uid);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    private static void bindFolder(PreparedStatement st, String account, String folder, long uidValidity)
            throws SQLException {
        st.setString(1, account);
        st.setString(2, folder);
        st.setLong(3, uidValidity);
    }

    private static void bindKey(PreparedStatement st, int from, MessageFailure.Key key) throws SQLException {
        st.setString(from, key.folder());
        st.setLong(from + 1, key.uidValidity());
        st.setLong(from + 2, key.uid());
    }

    // ---- account keys

    /**
     * Moves every record of {@code from} to {@code to} (an account key whose spelling changed, e.g. a host name now
     * lower-cased). Records {@code to} already has win; returns whether anything was moved.
     */
    public boolean renameAccount(String from, String to) throws StateException {
        JournalEntry.requireText(from, "from");
        JournalEntry.requireText(to, "to");
        if (from.equals(to)) return false;
        return inTransaction("rename account " + from, () -> {
            int moved = 0;
            for (String table : List.of("scanned", "learned", "journal", "message_failure")) {
                try (PreparedStatement update =
                        connection.prepareStatement("UPDATE OR IGNORE " + table + " SET account = ? WHERE account = ?")) {
                    update.setString(1, to);
                    update.setString(2, from);
                    moved += update.executeUpdate();
                }
            }
            return moved > 0;
        });
    }

    // ---- journal

    /** Writes the intent of an IMAP action before it is sent; returns the entry's id (step INTENT). */
    public long beginAction(
            String account,
            String action,
            String folder,
            long uidValidity,
            UidSet uids,
            String destination,
            long destUidNext,
            String detail)
            throws StateException {
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // Validates every field the way a read-back entry will be.
        JournalEntry entry = new JournalEntry(0, account, action, folder, uidValidity, uids, destination,
                destUidNext, detail, Step.INTENT, UidSet.empty(), created);
        return inTransaction("write a journal intent", () -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    """
                    INSERT INTO journal (account, action, folder, uid_validity, uids, destination, dest_uid_next,
                                         detail, step, dest_uids, created)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)""")) {
                insert.setString(1, entry.account());
                insert.setString(2, entry.action());
                insert.setString(3, entry.folder());
                insert.setLong(4, entry.uidValidity());
                insert.setString(5, entry.uids().toString());
                setNullableString(insert, 6, entry.destination());
                insert.setLong(7, entry.destUidNext());
                setNullableString(insert, 8, entry.detail());
                insert.setString(9, Step.INTENT.name());
                insert.setLong(10, created.toEpochMilli());
                insert.executeUpdate();
            }
            try (Statement st = connection.createStatement();
                    ResultSet row = st.executeQuery("SELECT last_insert_rowid()")) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    /** The server confirmed the copy; {@code destUids} are the new UIDs it reported (COPYUID), possibly empty. */
    public void markCopied(long id, UidSet destUids) throws StateException {
        Objects.requireNonNull(destUids, "destUids == null");
        inTransaction("mark journal entry " + id + " copied", () -> {
            if (stepOf(id) == Step.DONE) throw new StateException("journal entry " + id + " is already done");
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE journal SET step = ?, dest_uids = ? WHERE id = ?")) {
                update.setString(1, Step.COPIED.name());
                update.setString(2, destUids.toString());
                update.setLong(3, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** The action is fully confirmed. Completing a done entry again is a no-op, so replay may repeat it. */
    public void complete(long id) throws StateException {
        inTransaction("complete journal entry " + id, () -> {
            completeNow(id);
            return null;
        });
    }

    /**
     * Completes the entry and records {@code scannedUids} as scanned for the entry's account in one
     * transaction, so that after a crash "done" and "scanned" can never disagree.
     */
    public void completeAndAddScanned(long id, String folder, long uidValidity, UidSet scannedUids)
            throws StateException {
        Objects.requireNonNull(scannedUids, "scannedUids == null");
        inTransaction("complete journal entry " + id + " and record scanned UIDs", () -> {
            String account = completeNow(id);
            addScannedNow(account, folder, uidValidity, scannedUids);
            return null;
        });
    }

    /** Entries not yet DONE, oldest first: what the next run must replay. */
    public List<JournalEntry> pending(String account) throws StateException {
        return inTransaction("read pending journal entries", () -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM journal WHERE account = ? AND step <> 'DONE' ORDER BY id")) {
                select.setString(1, account);
                try (ResultSet rows = select.executeQuery()) {
                    List<JournalEntry> out = new ArrayList<>();
                    while (rows.next()) out.add(entryFrom(rows));
                    return out;
                }
            }
        });
    }

    public Optional<JournalEntry> entry(long id) throws StateException {
        return inTransaction("read journal entry " + id, () -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM journal WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(entryFrom(row)) : Optional.<JournalEntry>empty();
                }
            }
        });
    }

    /** Deletes DONE entries created more than {@code olderThan} ago; pending ones are never pruned. */
    public int pruneJournal(Duration olderThan) throws StateException {
        if (olderThan.isNegative()) throw new IllegalArgumentException("olderThan is negative: " + olderThan);
        long cutoff = clock.instant().minus(olderThan).toEpochMilli();
        return inTransaction("prune the journal", () -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM journal WHERE step = 'DONE' AND created < ?")) {
                delete.setLong(1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    /** Marks the entry DONE and returns its account. */
    private String completeNow(long id) throws SQLException, StateException {
        String account = accountOf(id);
        try (PreparedStatement update = connection.prepareStatement("UPDATE journal SET step = 'DONE' WHERE id = ?")) {
            update.setLong(1, id);
            update.executeUpdate();
        }
        return account;
    }

    private Step stepOf(long id) throws SQLException, StateException {
        return Step.valueOf(journalColumn(id, "step"));
    }

    private String accountOf(long id) throws SQLException, StateException {
        return journalColumn(id, "account");
    }

    private String journalColumn(long id, String column) throws SQLException, StateException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + column + " FROM journal WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) throw new StateException("no journal entry " + id + " in " + file);
                return row.getString(1);
            }
        }
    }

    private static JournalEntry entryFrom(ResultSet row) throws SQLException {
        return new JournalEntry(
                row.getLong("id"),
                row.getString("account"),
                row.getString("action"),
                row.getString("folder"),
                row.getLong("uid_validity"),
                UidSet.parse(row.getString("uids")),
                row.getString("destination"),
                row.getLong("dest_uid_next"),
                row.getString("detail"),
                Step.valueOf(row.getString("step")),
                UidSet.parse(row.getString("dest_uids")),
                Instant.ofEpochMilli(row.getLong("created")));
    }

    private static void setNullableString(PreparedStatement st, int index, String value) throws SQLException {
        if (value == null) st.setNull(index, Types.VARCHAR);
        else st.setString(index, value);
    }

    // ---- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException, StateException;
    }

    /**
     * Runs {@code work} in one IMMEDIATE transaction: taking the write lock up front means a read followed
     * by a write can wait on the busy timeout instead of failing with SQLITE_BUSY when another process
     * writes. Reads go through here too, so that a multi-statement read sees one snapshot.
     */
    private <T> T inTransaction(String what, Work<T> work) throws StateException {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("state store " + file + " is closed");
            try (Statement st = connection.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                T result;
                try {
                    result = work.run();
                    st.execute("COMMIT");
                } catch (SQLException | StateException | RuntimeException e) {
                    try {
                        st.execute("ROLLBACK");
                    } catch (SQLException second) {
                        e.addSuppressed(second);
                    }
                    throw e;
                }
                return result;
            }
        } catch (SQLException e) {
            throw new StateException("state file " + file + ": cannot " + what + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static void migrate(Connection connection, Path file) throws StateException {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                int applicationId = intPragma(st, "application_id");
                int version = intPragma(st, "user_version");
                if (applicationId != APPLICATION_ID && (version != 0 || hasTables(st))) {
                    throw new StateException("state file " + file + " is a SQLite database of another program, "
                            + "not a begone state file");
                }
                if (version > SCHEMA_VERSION) {
                    throw new StateException("state file " + file + " was written by a newer begone (schema "
                            + version + "); this begone knows schema " + SCHEMA_VERSION);
                }
                for (int v = version; v < SCHEMA_VERSION; v++) {
                    for (String sql : MIGRATIONS.get(v)) st.execute(sql);
                }
                if (version < SCHEMA_VERSION) {
                    st.execute("PRAGMA application_id = " + APPLICATION_ID);
                    st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                }
                st.execute("COMMIT");
            } catch (SQLException | StateException | RuntimeException e) {
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException second) {
                    e.addSuppressed(second);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw openFailure(file, e);
        }
    }

    private static int intPragma(Statement st, String name) throws SQLException {
        try (ResultSet row = st.executeQuery("PRAGMA " + name)) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Statement st) throws SQLException {
        try (ResultSet row = st.executeQuery("SELECT 1 FROM sqlite_master LIMIT 1")) {
            return row.next();
        }
    }

    private static StateException openFailure(Path file, SQLException e) {
        if (e instanceof SQLiteException se && se.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB) {
            return new StateException("state file " + file + " is not a SQLite database; move it away or "
                    + "point begone at another state file", e);
        }
        return new StateException("cannot open state file " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() throws StateException {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw new StateException("cannot close state file " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
