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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
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
    private static final List<List<String>> MIGRATIONS = List.of(
        List.of(
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
        // Schema 2: the typed journal. Each action's kind and purpose are enums, the target's numbering is taken
        // before the action, and each message has a row with its fingerprint and, once confirmed, its copy's UID.
        // Schema-1 entries carry over without message rows or target numbering: recovery cannot prove their copies,
        // so it copies again (a possible duplicate, never a loss). They form one plan per account (plan 0), so a
        // failing one stops the ones after it, as schema 1's recovery did.
        List.of(
            """
            CREATE TABLE journal_entry (
              id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, plan INTEGER NOT NULL,
              purpose TEXT NOT NULL CHECK (purpose IN ('SCAN', 'LEARN_SPAM', 'LEARN_HAM')),
              kind TEXT NOT NULL CHECK (kind IN ('COPY', 'APPEND', 'MOVE', 'FLAG', 'EXPUNGE')),
              source TEXT NOT NULL, source_uid_validity INTEGER NOT NULL, uids TEXT NOT NULL,
              target TEXT, flags TEXT, target_uid_validity INTEGER, target_uid_next INTEGER, reason TEXT,
              step TEXT NOT NULL CHECK (step IN ('INTENT', 'COPIED', 'DONE', 'ABANDONED')),
              created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)""",
            "CREATE INDEX journal_entry_by_step ON journal_entry (account, step, id)",
            """
            CREATE TABLE journal_message (
              entry INTEGER NOT NULL REFERENCES journal_entry (id), uid INTEGER NOT NULL,
              fingerprint TEXT NOT NULL, size INTEGER NOT NULL, message_id TEXT, copy_fingerprint TEXT, dest_uid INTEGER,
              PRIMARY KEY (entry, uid)) WITHOUT ROWID""",
            "CREATE INDEX journal_message_by_fingerprint ON journal_message (fingerprint)",
            """
            INSERT INTO journal_entry (id, account, plan, purpose, kind, source, source_uid_validity, uids, target, flags,
                                       step, created)
            SELECT id, account, 0, purpose, kind, folder, uid_validity, uids,
                   CASE WHEN kind IN ('COPY', 'APPEND', 'MOVE') THEN destination END,
                   CASE WHEN kind = 'FLAG' THEN destination END,
                   step, created
            FROM (SELECT *, upper(replace(substr(action, 1, instr(action, ' ') - 1), '-', '_')) AS purpose,
                            upper(substr(action, instr(action, ' ') + 1)) AS kind FROM journal)""",
            "DROP TABLE journal"),
            // Schema 3: messages a classifier failed on, one row per message: how often, and its last error.
            List.of("""
            CREATE TABLE IF NOT EXISTS message_failure (
              account TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uid INTEGER NOT NULL,
              fingerprint TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, updated INTEGER NOT NULL,
              PRIMARY KEY (account, folder, uid_validity, uid)) WITHOUT ROWID"""),
        // Schema 4: senders allowed from whitelist folders, one row per (account, lower-cased address); what was last
        // seen of each account's spam folder, to learn from the user's own moves; and the journal takes the
        // allow-sender purpose. SQLite cannot alter a CHECK, so journal_entry is rebuilt as SQLite's manual
        // says (create, copy, drop, rename); journal_message names it by name and is left as it is.
        List.of(
            """
            CREATE TABLE allowed_sender (
              account TEXT NOT NULL, address TEXT NOT NULL, added INTEGER NOT NULL,
              PRIMARY KEY (account, address)) WITHOUT ROWID""",
            """
            CREATE TABLE spam_watch (
              account TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uid_next INTEGER NOT NULL,
              present TEXT NOT NULL, PRIMARY KEY (account, folder)) WITHOUT ROWID""",
            """
            CREATE TABLE journal_entry_4 (
              id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, plan INTEGER NOT NULL,
              purpose TEXT NOT NULL CHECK (purpose IN ('SCAN', 'LEARN_SPAM', 'LEARN_HAM', 'ALLOW_SENDER')),
              kind TEXT NOT NULL CHECK (kind IN ('COPY', 'APPEND', 'MOVE', 'FLAG', 'EXPUNGE')),
              source TEXT NOT NULL, source_uid_validity INTEGER NOT NULL, uids TEXT NOT NULL,
              target TEXT, flags TEXT, target_uid_validity INTEGER, target_uid_next INTEGER, reason TEXT,
              step TEXT NOT NULL CHECK (step IN ('INTENT', 'COPIED', 'DONE', 'ABANDONED')),
              created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)""",
            "INSERT INTO journal_entry_4 SELECT * FROM journal_entry",
            "DROP TABLE journal_entry",
            "ALTER TABLE journal_entry_4 RENAME TO journal_entry",
            "CREATE INDEX journal_entry_by_step ON journal_entry (account, step, id)"),
        // Schema 5: the delivery rules' duplicate keys (Message-ID or body hash), one row per key: the copy kept, where
        // it is, and when it was seen (uid 0: moved to that folder, its UID there is in the journal); and per message
        // acted on, what begone log shows (From, Subject, why) and when begone undo put it back (never twice).
        List.of(
            """
            CREATE TABLE duplicate_key (
              account TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, seen INTEGER NOT NULL,
              folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uid INTEGER NOT NULL, fingerprint TEXT NOT NULL,
              PRIMARY KEY (account, kind, key)) WITHOUT ROWID""",
            "ALTER TABLE journal_message ADD COLUMN sender TEXT",
            "ALTER TABLE journal_message ADD COLUMN subject TEXT",
            "ALTER TABLE journal_message ADD COLUMN reason TEXT",
            "ALTER TABLE journal_message ADD COLUMN restored INTEGER"),
        // Schema 6: each account has a file of its own; an account's file records when the account's rows were moved
        // over from the shared file of earlier versions, so that a move cut short by a crash is finished, never redone.
        List.of(
            """
            CREATE TABLE imported (
              account TEXT NOT NULL PRIMARY KEY, imported INTEGER NOT NULL) WITHOUT ROWID"""));

    /** The tables whose rows belong to one account by their account column (journal_message by its entry). */
    private static final List<String> ACCOUNT_TABLES =
            List.of("scanned", "learned", "journal_entry", "message_failure", "allowed_sender", "spam_watch", "duplicate_key");

    static final int SCHEMA_VERSION = MIGRATIONS.size();

    private final Path file;
    private final Connection connection;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Time spent in transactions (commits and their fsyncs included), for the time split of a run. */
    private final LongAdder busyNanos = new LongAdder();
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

    /**
     * Opens {@code account}'s own state file ({@link StatePaths#accountDb}), so that accounts in one process never wait
     * on each other. Rows that earlier versions kept for {@code account} or {@code formerKeys} in the shared file
     * ({@link StatePaths#sharedDb}) are first moved over: copied and recorded as imported in one transaction of the account's
     * file, then deleted from the shared file. A crash between the two leaves rows in the shared file that the next open
     * deletes, since the account's file already holds them; nothing is lost or copied twice. Callers hold the account's
     * lock, so no other begone writes these rows meanwhile.
     */
    public static StateStore openAccount(StatePaths paths, String account, String... formerKeys) throws StateException {
        StateStore store = open(paths.accountDb(account));
        try {
            Path shared = paths.sharedDb();
            if (!Files.isRegularFile(shared)) return store;
            List<String> keys = keys(account, formerKeys);
            try (StateStore from = open(shared)) {
                store.importFrom(from, keys);
                from.forget(store.importedOf(keys));
            }
            return store;
        } catch (StateException | RuntimeException e) {
            closeAfterFailure(store, e);
            throw e;
        }
    }

    /**
     * An in-memory copy of what {@link #openAccount} would open, for a dry run or a reader: the account's file with what
     * the shared file still holds for it. Neither file is created nor changed.
     */
    public static StateStore openAccountInMemoryCopy(StatePaths paths, String account, String... formerKeys) throws StateException {
        StateStore store = openInMemoryCopy(paths.accountDb(account));
        try {
            List<String> keys = keys(account, formerKeys);
            // Once moved, what the shared file may still hold of the account is a copy: reading it again would only
            // cost a copy of the whole shared file per account.
            if (Files.isRegularFile(paths.sharedDb()) && !store.importedOf(keys).equals(keys)) {
                try (StateStore from = openInMemoryCopy(paths.sharedDb())) {
                    store.importFrom(from, keys);
                }
            }
            return store;
        } catch (StateException | RuntimeException e) {
            closeAfterFailure(store, e);
            throw e;
        }
    }

    private static List<String> keys(String account, String... formerKeys) {
        List<String> keys = new ArrayList<>(List.of(account));
        for (String k : formerKeys) if (!keys.contains(k)) keys.add(k);
        for (String k : keys) JournalEntry.requireText(k, "account");
        return keys;
    }

    /** Copies the rows {@code from} holds for each of {@code keys} not imported yet, and records them as imported. */
    private void importFrom(StateStore from, List<String> keys) throws StateException {
        inTransaction("import the account's rows from " + from.file, () -> {
            for (String key : keys) {
                if (importedNow(key)) continue;
                from.inTransaction("read the rows of an account", () -> {
                    for (String table : ACCOUNT_TABLES) {
                        copyRows(from.connection, "SELECT * FROM " + table + " WHERE account = ?", table, key);
                    }
                    copyRows(from.connection, "SELECT m.* FROM journal_message m JOIN journal_entry e ON e.id = m.entry "
                            + "WHERE e.account = ?", "journal_message", key);
                    return null;
                });
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO imported (account, imported) VALUES (?, ?)")) {
                    insert.setString(1, key);
                    insert.setLong(2, clock.millis());
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Inserts every row {@code select} (its one parameter {@code key}) reads through {@code source} into {@code table}. */
    private void copyRows(Connection source, String select, String table, String key) throws SQLException {
        try (PreparedStatement read = source.prepareStatement(select)) {
            read.setString(1, key);
            try (ResultSet rows = read.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= columns; i++) names.add(rows.getMetaData().getColumnName(i));
                // Same ids as in the shared file: journal_message rows name their entry by id.
                String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                        + String.join(", ", Collections.nCopies(columns, "?")) + ")";
                try (PreparedStatement write = connection.prepareStatement(insert)) {
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) write.setObject(i, rows.getObject(i));
                        write.executeUpdate();
                    }
                }
            }
        }
    }

    private boolean importedNow(String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM imported WHERE account = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    private List<String> importedOf(List<String> keys) throws StateException {
        return inTransaction("read which accounts were imported", () -> {
            List<String> out = new ArrayList<>();
            for (String key : keys) if (importedNow(key)) out.add(key);
            return out;
        });
    }

    /** Deletes every row of {@code keys}, in one transaction. */
    private void forget(List<String> keys) throws StateException {
        if (keys.isEmpty()) return;
        inTransaction("delete the rows moved to the account's own file", () -> {
            for (String key : keys) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM journal_message WHERE entry IN (SELECT id FROM journal_entry WHERE account = ?)")) {
                    delete.setString(1, key);
                    delete.executeUpdate();
                }
                for (String table : ACCOUNT_TABLES) {
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE account = ?")) {
                        delete.setString(1, key);
                        delete.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    private static void closeAfterFailure(StateStore store, Exception first) {
        try {
            store.close();
        } catch (StateException second) {
            first.addSuppressed(second);
        }
    }

    private static void closeAfterFailure(Connection connection, Exception first) {
        try {
            connection.close();
        } catch (SQLException second) {
            first.addSuppressed(second);
        }
    }

    /** Time spent reading and writing the state so far, commits and their fsyncs included. */
    public long busyNanos() {
        return busyNanos.sum();
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
        markLearned(account, List.of(messageKey), classifierName, label);
    }

    /** Records a batch of lessons of one label in one transaction (one disk sync, not one per message). */
    public void markLearned(String account, Collection<String> messageKeys, String classifierName, Label label)
            throws StateException {
        JournalEntry.requireText(account, "account");
        for (String key : messageKeys) JournalEntry.requireText(key, "messageKey");
        JournalEntry.requireText(classifierName, "classifierName");
        Objects.requireNonNull(label, "label == null");
        if (messageKeys.isEmpty()) return;
        inTransaction("record learned messages", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    """
                    INSERT INTO learned (account, message_key, classifier, label, learned_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, message_key, classifier)
                    DO UPDATE SET label = excluded.label, learned_at = excluded.learned_at""")) {
                for (String key : messageKeys) {
                    upsert.setString(1, account);
                    upsert.setString(2, key);
                    upsert.setString(3, classifierName);
                    upsert.setString(4, label.name());
                    upsert.setLong(5, clock.millis());
                    upsert.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- senders allowed from whitelist folders

    /**
     * Adds {@code address} (compared ignoring case) to the account's allow-list; returns false when it was there.
     * The rules' allow stage reads the list through {@link #allowedSenders}.
     */
    public boolean allowSender(String account, String address) throws StateException {
        JournalEntry.requireText(account, "account");
        JournalEntry.requireText(address, "address");
        return inTransaction("record an allowed sender", () -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT OR IGNORE INTO allowed_sender (account, address, added) VALUES (?, ?, ?)")) {
                insert.setString(1, account);
                insert.setString(2, address.toLowerCase(Locale.ROOT));
                insert.setLong(3, clock.millis());
                return insert.executeUpdate() > 0;
            }
        });
    }

    /** The account's allowed senders, lower-cased. */
    public Set<String> allowedSenders(String account) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction("read allowed senders", () -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT address FROM allowed_sender WHERE account = ?")) {
                select.setString(1, account);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) out.add(rows.getString(1));
                }
            }
            return Collections.unmodifiableSet(out);
        });
    }

    // ---- the spam folder, watched for the user's own moves

    /** What was seen of {@code folder} when it was last watched, if it ever was. */
    public Optional<SpamWatch> spamWatch(String account, String folder) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction("read the spam folder's watch", () -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT uid_validity, uid_next, present FROM spam_watch WHERE account = ? AND folder = ?")) {
                select.setString(1, account);
                select.setString(2, folder);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new SpamWatch(row.getLong(1), row.getLong(2), UidSet.parse(row.getString(3))))
                            : Optional.<SpamWatch>empty();
                }
            }
        });
    }

    /** Records what was seen of {@code folder} now, replacing what was seen before. */
    public void watchSpam(String account, String folder, SpamWatch seen) throws StateException {
        JournalEntry.requireText(account, "account");
        Objects.requireNonNull(seen, "seen");
        inTransaction("record the spam folder's watch", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    """
                    INSERT INTO spam_watch (account, folder, uid_validity, uid_next, present) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
                      uid_next = excluded.uid_next, present = excluded.present""")) {
                upsert.setString(1, account);
                upsert.setString(2, folder);
                upsert.setLong(3, seen.uidValidity());
                upsert.setLong(4, seen.uidNext());
                upsert.setString(5, seen.present().toString());
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

    // ---- duplicate keys of the delivery rules

    /**
     * The copy remembered under a duplicate key, if it was seen less than {@code within} ago.
     *
     * @param kind what the key is made of ({@code message-id}, {@code body})
     */
    public Optional<DuplicateCopy> duplicate(String account, String kind, String key, Duration within) throws StateException {
        JournalEntry.requireText(account, "account");
        long since = clock.instant().minus(within).toEpochMilli();
        return inTransaction("read a duplicate key", () -> {
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT folder, uid_validity, uid, fingerprint FROM duplicate_key
                    WHERE account = ? AND kind = ? AND key = ? AND seen >= ?""")) {
                select.setString(1, account);
                select.setString(2, kind);
                select.setString(3, key);
                select.setLong(4, since);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) return Optional.<DuplicateCopy>empty();
                    return Optional.of(new DuplicateCopy(row.getString(1), row.getLong(2), row.getLong(3), row.getString(4)));
                }
            }
        });
    }

    /** Remembers each key as the copy given, seen now, in one transaction; a key remembered before is replaced. */
    public void rememberDuplicates(String account, List<DuplicateCopy.Keyed> copies) throws StateException {
        JournalEntry.requireText(account, "account");
        if (copies.isEmpty()) return;
        long now = clock.millis();
        inTransaction("remember duplicate keys", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    """
                    INSERT INTO duplicate_key (account, kind, key, seen, folder, uid_validity, uid, fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account, kind, key) DO UPDATE SET seen = excluded.seen, folder = excluded.folder,
                      uid_validity = excluded.uid_validity, uid = excluded.uid, fingerprint = excluded.fingerprint""")) {
                for (DuplicateCopy.Keyed k : copies) {
                    upsert.setString(1, account);
                    upsert.setString(2, k.kind());
                    upsert.setString(3, k.key());
                    upsert.setLong(4, now);
                    upsert.setString(5, k.copy().folder());
                    upsert.setLong(6, k.copy().uidValidity());
                    upsert.setLong(7, k.copy().uid());
                    upsert.setString(8, k.copy().fingerprint());
                    upsert.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Forgets the keys seen more than {@code olderThan} ago: they no longer make anything a duplicate. */
    public int pruneDuplicates(String account, Duration olderThan) throws StateException {
        JournalEntry.requireText(account, "account");
        long cutoff = clock.instant().minus(olderThan).toEpochMilli();
        return inTransaction("prune duplicate keys", () -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM duplicate_key WHERE account = ? AND seen < ?")) {
                delete.setString(1, account);
                delete.setLong(2, cutoff);
                return delete.executeUpdate();
            }
        });
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
            for (String table : ACCOUNT_TABLES) {
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

    /**
     * Writes the intents of one plan, in order, in one transaction (all or none survive a crash); returns their ids.
     * Every intent must belong to {@code account}.
     */
    public List<Long> beginPlan(String account, List<JournalEntry> intents) throws StateException {
        JournalEntry.requireText(account, "account");
        if (intents.isEmpty()) throw new IllegalArgumentException("a plan of no actions");
        for (JournalEntry e : intents) {
            if (!e.account().equals(account)) throw new IllegalArgumentException("intent of account " + e.account() + " in a plan of " + account);
        }
        long created = clock.millis();
        return inTransaction("write the intents of a plan", () -> {
            long plan;
            try (Statement st = connection.createStatement();
                    ResultSet row = st.executeQuery("SELECT coalesce(max(plan), 0) + 1 FROM journal_entry")) {
                row.next();
                plan = row.getLong(1);
            }
            List<Long> ids = new ArrayList<>();
            for (JournalEntry e : intents) {
                try (PreparedStatement insert = connection.prepareStatement(
                        """
                        INSERT INTO journal_entry (account, plan, purpose, kind, source, source_uid_validity, uids, target,
                                                   flags, target_uid_validity, target_uid_next, reason, step, created)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'INTENT', ?)""")) {
                    insert.setString(1, account);
                    insert.setLong(2, plan);
                    insert.setString(3, e.purpose().name());
                    insert.setString(4, e.kind().name());
                    insert.setString(5, e.source());
                    insert.setLong(6, e.sourceUidValidity());
                    insert.setString(7, e.uids().toString());
                    setNullableString(insert, 8, e.target());
                    setNullableString(insert, 9, e.flags().isEmpty() ? null : String.join(" ", new TreeSet<>(e.flags())));
                    setNullableLong(insert, 10, e.targetUidValidity());
                    setNullableLong(insert, 11, e.targetUidNext());
                    setNullableString(insert, 12, e.reason());
                    insert.setLong(13, created);
                    insert.executeUpdate();
                }
                long id;
                try (Statement st = connection.createStatement();
                        ResultSet row = st.executeQuery("SELECT last_insert_rowid()")) {
                    row.next();
                    id = row.getLong(1);
                }
                writeMessages(id, e.messages());
                ids.add(id);
            }
            return ids;
        });
    }

    /** The server confirmed copies (COPYUID, APPENDUID): source UID to the copy's UID. The step stays. */
    public void recordCopies(String account, long id, Map<Long, Long> destUidBySource) throws StateException {
        inTransaction("record the copies of journal entry " + id, () -> {
            requirePending(account, id);
            writeDestUids(id, destUidBySource);
            return null;
        });
    }

    /** The server confirmed the copy of every message of the entry; {@code destUidBySource} as far as it said. */
    public void markCopied(String account, long id, Map<Long, Long> destUidBySource) throws StateException {
        inTransaction("mark journal entry " + id + " copied", () -> {
            requirePending(account, id);
            writeDestUids(id, destUidBySource);
            setStep(id, Step.COPIED);
            return null;
        });
    }

    /**
     * Before recovery copies again: the target's numbering to search from next time and the messages as they will be
     * copied now (an APPEND uploads new bytes), so that a crash during recovery can be recovered in turn.
     */
    public void reintend(String account, long id, long targetUidValidity, long targetUidNext, List<JournalEntry.Message> messages)
            throws StateException {
        inTransaction("rewrite the intent of journal entry " + id, () -> {
            requirePending(account, id);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE journal_entry SET target_uid_validity = ?, target_uid_next = ? WHERE id = ?")) {
                setNullableLong(update, 1, targetUidValidity);
                setNullableLong(update, 2, targetUidNext);
                update.setLong(3, id);
                update.executeUpdate();
            }
            writeMessages(id, messages);
            return null;
        });
    }

    /** The action is fully confirmed. Completing a done entry again is a no-op, so replay may repeat it. */
    public void complete(String account, long id) throws StateException {
        inTransaction("complete journal entry " + id, () -> {
            completeNow(account, id);
            return null;
        });
    }

    /**
     * Completes the entry and records {@code scannedUids} as scanned for its account in one transaction, so that
     * after a crash "done" and "scanned" can never disagree.
     */
    public void completeAndAddScanned(String account, long id, String folder, long uidValidity, UidSet scannedUids)
            throws StateException {
        Objects.requireNonNull(scannedUids, "scannedUids == null");
        inTransaction("complete journal entry " + id + " and record scanned UIDs", () -> {
            completeNow(account, id);
            addScannedNow(account, folder, uidValidity, scannedUids);
            return null;
        });
    }

    /**
     * As {@link #completeAndAddScanned(String, long, String, long, UidSet)}, and in the same transaction records
     * {@code copies}, the copies the action made in {@code copiesFolder} under {@code copiesUidValidity}, as scanned
     * there: a message the user already judged must not be judged again by a scan of the folder it was put in.
     */
    public void completeAndAddScanned(String account, long id, String folder, long uidValidity, UidSet scannedUids,
            String copiesFolder, long copiesUidValidity, UidSet copies) throws StateException {
        Objects.requireNonNull(scannedUids, "scannedUids == null");
        Objects.requireNonNull(copies, "copies == null");
        inTransaction("complete journal entry " + id + " and record scanned UIDs", () -> {
            completeNow(account, id);
            addScannedNow(account, folder, uidValidity, scannedUids);
            if (!copies.isEmpty()) addScannedNow(account, copiesFolder, copiesUidValidity, copies);
            return null;
        });
    }

    /**
     * Records a failed attempt to complete a pending entry. When the entry's plan was written more than
     * {@code abandonAfter} ago, every pending entry of the plan is abandoned instead, and true returned.
     */
    public boolean failed(String account, long id, String error, Duration abandonAfter) throws StateException {
        JournalEntry.requireText(error, "error");
        long cutoff = clock.instant().minus(abandonAfter).toEpochMilli();
        return inTransaction("record a failure of journal entry " + id, () -> {
            requirePending(account, id);
            long plan;
            long created;
            try (PreparedStatement select = connection.prepareStatement("SELECT plan, created FROM journal_entry WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    plan = row.getLong(1);
                    created = row.getLong(2);
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE journal_entry SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
                update.setString(1, error);
                update.setLong(2, id);
                update.executeUpdate();
            }
            if (created >= cutoff) return false;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE journal_entry SET step = 'ABANDONED' WHERE account = ? AND plan = ? AND step IN ('INTENT', 'COPIED')")) {
                update.setString(1, account);
                update.setLong(2, plan);
                update.executeUpdate();
            }
            return true;
        });
    }

    /** Gives up on one pending entry that can never complete (its source was renumbered); it stays visible. */
    public void abandon(String account, long id, String reason) throws StateException {
        JournalEntry.requireText(reason, "reason");
        inTransaction("abandon journal entry " + id, () -> {
            requirePending(account, id);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE journal_entry SET step = 'ABANDONED', last_error = ? WHERE id = ?")) {
                update.setString(1, reason);
                update.setLong(2, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Entries not yet done nor abandoned, oldest first: what the next run must replay. */
    public List<JournalEntry> pending(String account) throws StateException {
        return entries("read pending journal entries", "account = ? AND step IN ('INTENT', 'COPIED') ORDER BY id", account);
    }

    /** The account's entries written at or after {@code since}, whatever their step, oldest first: what begone log shows. */
    public List<JournalEntry> journal(String account, Instant since) throws StateException {
        return entries("read the journal", "account = ? AND created >= " + since.toEpochMilli() + " ORDER BY id", account);
    }

    /** The messages of the account's entries since {@code since} that begone undo put back: UIDs by entry. */
    public Map<Long, Set<Long>> restored(String account, Instant since) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction("read restored messages", () -> {
            Map<Long, Set<Long>> out = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT m.entry, m.uid FROM journal_message m JOIN journal_entry e ON e.id = m.entry
                    WHERE e.account = ? AND e.created >= ? AND m.restored IS NOT NULL""")) {
                select.setString(1, account);
                select.setLong(2, since.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) out.computeIfAbsent(rows.getLong(1), k -> new TreeSet<>()).add(rows.getLong(2));
                }
            }
            return out;
        });
    }

    /** Records that begone undo put these messages of an entry back (or found them where they belonged). */
    public void markRestored(String account, long id, UidSet uids) throws StateException {
        JournalEntry.requireText(account, "account");
        long now = clock.millis();
        inTransaction("mark messages of journal entry " + id + " restored", () -> {
            stepOf(account, id);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE journal_message SET restored = ? WHERE entry = ? AND uid = ?")) {
                for (long uid : uids.toArray()) {
                    update.setLong(1, now);
                    update.setLong(2, id);
                    update.setLong(3, uid);
                    update.executeUpdate();
                }
            }
            return null;
        });
    }

    public Optional<JournalEntry> entry(String account, long id) throws StateException {
        List<JournalEntry> found = entries("read journal entry " + id, "account = ? AND id = " + id, account);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Source UIDs of {@code folder} that pending entries still hold: a new plan must not handle them again. */
    public UidSet pendingUids(String account, String folder, long uidValidity) throws StateException {
        return inTransaction("read UIDs held by pending journal entries", () -> {
            UidSet.Builder held = UidSet.builder();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT uids FROM journal_entry WHERE account = ? AND source = ? AND source_uid_validity = ?
                    AND step IN ('INTENT', 'COPIED')""")) {
                select.setString(1, account);
                select.setString(2, folder);
                select.setLong(3, uidValidity);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) held.addAll(UidSet.parse(rows.getString(1)));
                }
            }
            return held.build();
        });
    }

    /**
     * Copies into {@code target} that finished entries (done, or abandoned after copying some) may have made of
     * messages with these fingerprints, oldest first, by fingerprint; fingerprints never filed there are absent. The
     * caller checks that each copy is really there.
     */
    public Map<String, List<FiledCopy>> filedCopies(String account, String target, Set<String> fingerprints) throws StateException {
        return inTransaction("read filed copies", () -> {
            Map<String, List<FiledCopy>> out = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT e.target_uid_validity, m.dest_uid, m.copy_fingerprint, m.message_id
                    FROM journal_message m JOIN journal_entry e ON e.id = m.entry
                    WHERE m.fingerprint = ? AND e.account = ? AND e.target = ? AND e.step IN ('DONE', 'ABANDONED')
                    AND e.kind IN ('COPY', 'APPEND', 'MOVE') AND m.copy_fingerprint IS NOT NULL
                    ORDER BY e.id, m.uid""")) {
                for (String fingerprint : fingerprints) {
                    select.setString(1, fingerprint);
                    select.setString(2, account);
                    select.setString(3, target);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            out.computeIfAbsent(fingerprint, f -> new ArrayList<>()).add(
                                    new FiledCopy(target, rows.getLong(1), rows.getLong(2), rows.getString(3), rows.getString(4)));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * Which of {@code copyFingerprints} the journal says begone put into {@code target} itself (as a copy, a move or an
     * upload, finished or not): a message there with another fingerprint came from someone else.
     */
    public Set<String> filedThere(String account, String target, Set<String> copyFingerprints) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction("read what was filed", () -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT 1 FROM journal_message m JOIN journal_entry e ON e.id = m.entry
                    WHERE e.account = ? AND e.target = ? AND m.copy_fingerprint = ? LIMIT 1""")) {
                for (String fingerprint : copyFingerprints) {
                    select.setString(1, account);
                    select.setString(2, target);
                    select.setString(3, fingerprint);
                    try (ResultSet row = select.executeQuery()) {
                        if (row.next()) out.add(fingerprint);
                    }
                }
            }
            return out;
        });
    }

    /**
     * The copies completed entries put into {@code target} under {@code targetUidValidity} whose UIDs the server gave
     * and are among {@code destUids}: what begone filed there of the messages that have since left.
     */
    public List<FiledCopy> filedCopiesAt(String account, String target, long targetUidValidity, UidSet destUids)
            throws StateException {
        JournalEntry.requireText(account, "account");
        if (destUids.isEmpty()) return List.of();
        return inTransaction("read filed copies by UID", () -> {
            List<FiledCopy> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    """
                    SELECT m.dest_uid, m.copy_fingerprint, m.message_id
                    FROM journal_message m JOIN journal_entry e ON e.id = m.entry
                    WHERE e.account = ? AND e.target = ? AND e.target_uid_validity = ? AND e.step = 'DONE'
                    AND e.kind IN ('COPY', 'APPEND', 'MOVE') AND m.dest_uid IS NOT NULL AND m.copy_fingerprint IS NOT NULL
                    ORDER BY m.dest_uid""")) {
                select.setString(1, account);
                select.setString(2, target);
                select.setLong(3, targetUidValidity);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (destUids.contains(rows.getLong(1))) {
                            out.add(new FiledCopy(target, targetUidValidity, rows.getLong(1), rows.getString(2), rows.getString(3)));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Deletes this account's DONE entries created more than {@code olderThan} ago; pending and abandoned ones stay. */
    public int pruneJournal(String account, Duration olderThan) throws StateException {
        JournalEntry.requireText(account, "account");
        if (olderThan.isNegative()) throw new IllegalArgumentException("olderThan is negative: " + olderThan);
        long cutoff = clock.instant().minus(olderThan).toEpochMilli();
        return inTransaction("prune the journal", () -> {
            String which = "SELECT id FROM journal_entry WHERE account = ? AND step = 'DONE' AND created < ?";
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM journal_message WHERE entry IN (" + which + ")")) {
                delete.setString(1, account);
                delete.setLong(2, cutoff);
                delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM journal_entry WHERE id IN (" + which + ")")) {
                delete.setString(1, account);
                delete.setLong(2, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    private List<JournalEntry> entries(String what, String where, String account) throws StateException {
        JournalEntry.requireText(account, "account");
        return inTransaction(what, () -> {
            List<JournalEntry> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM journal_entry WHERE " + where)) {
                select.setString(1, account);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) out.add(entryFrom(rows, List.of()));
                }
            }
            List<JournalEntry> withMessages = new ArrayList<>(out.size());
            for (JournalEntry e : out) {
                withMessages.add(new JournalEntry(e.id(), e.account(), e.plan(), e.purpose(), e.kind(), e.source(),
                        e.sourceUidValidity(), e.uids(), e.target(), e.flags(), e.targetUidValidity(), e.targetUidNext(),
                        messagesOf(e.id()), e.reason(), e.step(), e.created(), e.attempts(), e.lastError()));
            }
            return withMessages;
        });
    }

    private List<JournalEntry.Message> messagesOf(long id) throws SQLException {
        List<JournalEntry.Message> out = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                """
                SELECT uid, fingerprint, size, message_id, copy_fingerprint, dest_uid, sender, subject, reason
                FROM journal_message WHERE entry = ? ORDER BY uid""")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.add(new JournalEntry.Message(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getString(4),
                            rows.getString(5), rows.getLong(6), noteFrom(rows.getString(7), rows.getString(8), rows.getString(9))));
                }
            }
        }
        return out;
    }

    private static JournalEntry.Note noteFrom(String sender, String subject, String reason) {
        return sender == null && subject == null && reason == null ? null : new JournalEntry.Note(sender, subject, reason);
    }

    private void writeMessages(long id, List<JournalEntry.Message> messages) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                """
                INSERT INTO journal_message (entry, uid, fingerprint, size, message_id, copy_fingerprint, dest_uid, sender,
                                             subject, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (entry, uid) DO UPDATE SET fingerprint = excluded.fingerprint, size = excluded.size,
                  message_id = excluded.message_id, copy_fingerprint = excluded.copy_fingerprint, dest_uid = excluded.dest_uid,
                  sender = coalesce(excluded.sender, sender), subject = coalesce(excluded.subject, subject),
                  reason = coalesce(excluded.reason, reason)""")) {
            for (JournalEntry.Message m : messages) {
                upsert.setLong(1, id);
                upsert.setLong(2, m.uid());
                upsert.setString(3, m.fingerprint());
                upsert.setLong(4, m.size());
                setNullableString(upsert, 5, m.messageId());
                setNullableString(upsert, 6, m.copyFingerprint());
                setNullableLong(upsert, 7, m.destUid());
                JournalEntry.Note note = m.note();
                setNullableString(upsert, 8, note == null ? null : note.sender());
                setNullableString(upsert, 9, note == null ? null : note.subject());
                setNullableString(upsert, 10, note == null ? null : note.reason());
                upsert.executeUpdate();
            }
        }
    }

    private void writeDestUids(long id, Map<Long, Long> destUidBySource) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE journal_message SET dest_uid = ? WHERE entry = ? AND uid = ?")) {
            for (Map.Entry<Long, Long> e : destUidBySource.entrySet()) {
                update.setLong(1, e.getValue());
                update.setLong(2, id);
                update.setLong(3, e.getKey());
                update.executeUpdate();
            }
        }
    }

    private void completeNow(String account, long id) throws SQLException, StateException {
        if (stepOf(account, id) == Step.ABANDONED) throw new StateException("journal entry " + id + " was abandoned");
        setStep(id, Step.DONE);
    }

    private void requirePending(String account, long id) throws SQLException, StateException {
        Step step = stepOf(account, id);
        if (!step.pending()) throw new StateException("journal entry " + id + " is already " + step.name().toLowerCase(Locale.ROOT));
    }

    private void setStep(long id, Step step) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE journal_entry SET step = ? WHERE id = ?")) {
            update.setString(1, step.name());
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    /** The entry's step; an entry of another account is as absent as one that never existed. */
    private Step stepOf(String account, long id) throws SQLException, StateException {
        try (PreparedStatement select = connection.prepareStatement("SELECT step FROM journal_entry WHERE id = ? AND account = ?")) {
            select.setLong(1, id);
            select.setString(2, account);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) throw new StateException("no journal entry " + id + " of " + account + " in " + file);
                return Step.valueOf(row.getString(1));
            }
        }
    }

    private static JournalEntry entryFrom(ResultSet row, List<JournalEntry.Message> messages) throws SQLException {
        String flags = row.getString("flags");
        String lastError = row.getString("last_error");
        return new JournalEntry(
                row.getLong("id"),
                row.getString("account"),
                row.getLong("plan"),
                Purpose.valueOf(row.getString("purpose")),
                ActionKind.valueOf(row.getString("kind")),
                row.getString("source"),
                row.getLong("source_uid_validity"),
                UidSet.parse(row.getString("uids")),
                row.getString("target"),
                flags == null ? Set.of() : Set.of(flags.split(" ")),
                row.getLong("target_uid_validity"),
                row.getLong("target_uid_next"),
                messages,
                row.getString("reason"),
                Step.valueOf(row.getString("step")),
                Instant.ofEpochMilli(row.getLong("created")),
                row.getInt("attempts"),
                lastError);
    }

    private static void setNullableString(PreparedStatement st, int index, String value) throws SQLException {
        if (value == null) st.setNull(index, Types.VARCHAR);
        else st.setString(index, value);
    }

    /** 0 stands for "unknown" in the records and is stored as NULL. */
    private static void setNullableLong(PreparedStatement st, int index, long value) throws SQLException {
        if (value == 0) st.setNull(index, Types.INTEGER);
        else st.setLong(index, value);
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
        long started = System.nanoTime();
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
            busyNanos.add(System.nanoTime() - started);
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
