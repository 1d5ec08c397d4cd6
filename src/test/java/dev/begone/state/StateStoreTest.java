package dev.begone.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Label;
import dev.begone.imap.UidSet;
import dev.begone.state.JournalEntry.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StateStoreTest {
    private static final String ALICE = "alice@imap.example.org:993";
    private static final String BOB = "bob@imap.example.org:993";

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("state.db");
    }

    @Test
    void scannedUidsSurviveReopen() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.parse("1:5,9"));
            store.addScanned(ALICE, "INBOX", 7, UidSet.parse("6:8,20"));
        }
        try (StateStore store = StateStore.open(db())) {
            assertEquals("1:9,20", store.scanned(ALICE, "INBOX", 7).toString());
            assertEquals(UidSet.empty(), store.scanned(ALICE, "Spam", 7));
            assertEquals(UidSet.empty(), store.scanned(BOB, "INBOX", 7));
        }
    }

    @Test
    void consecutiveUidsAreStoredAsOneRange() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            long writeStart = System.nanoTime();
            // Scanned in batches, as a run does, newest first.
            for (long hi = 100_000; hi > 0; hi -= 500) store.addScanned(ALICE, "INBOX", 7, UidSet.range(hi - 499, hi));
            double writeMs = (System.nanoTime() - writeStart) / 1e6;

            UidSet read = store.scanned(ALICE, "INBOX", 7);
            assertEquals(1, read.rangeCount());
            assertEquals(100_000, read.size());
            assertEquals(List.of("7|1:100000"), rawRows("SELECT uid_validity || '|' || uids FROM scanned"));

            long[] nanos = new long[101];
            for (int i = 0; i < nanos.length; i++) {
                long t = System.nanoTime();
                store.scanned(ALICE, "INBOX", 7);
                nanos[i] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            double medianMs = nanos[50] / 1e6;
            System.out.printf("100,000 UIDs in 200 addScanned calls: %.0f ms (%.2f ms per durable commit); "
                    + "read back: median %.3f ms, max %.3f ms%n", writeMs, writeMs / 200, medianMs, nanos[100] / 1e6);
            assertTrue(medianMs < 10, "reading 100,000 scanned UIDs took " + medianMs + " ms");
        }
    }

    @Test
    void fragmentedUidsStayReadableQuickly() throws Exception {
        // Every other UID: the worst case, 50,000 ranges in one row.
        UidSet.Builder odd = UidSet.builder();
        for (long uid = 1; uid <= 100_000; uid += 2) odd.add(uid);
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, odd.build());
            long t = System.nanoTime();
            UidSet read = store.scanned(ALICE, "INBOX", 7);
            double ms = (System.nanoTime() - t) / 1e6;
            assertEquals(50_000, read.rangeCount());
            System.out.printf("50,000 separate UIDs read back in %.2f ms%n", ms);
        }
    }

    @Test
    void uidValidityChangeForgetsSeenUids() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.range(1, 100));
            store.addScanned(ALICE, "Spam", 3, UidSet.range(1, 10));

            store.addScanned(ALICE, "INBOX", 8, UidSet.of(1, 2));

            assertEquals("1:2", store.scanned(ALICE, "INBOX", 8).toString());
            assertEquals(UidSet.empty(), store.scanned(ALICE, "INBOX", 7));
            assertEquals("1:10", store.scanned(ALICE, "Spam", 3).toString(), "other folders keep their UIDs");
        }
        assertEquals(List.of("INBOX|8|1:2", "Spam|3|1:10"),
                rawRows("SELECT folder || '|' || uid_validity || '|' || uids FROM scanned ORDER BY folder"));
    }

    @Test
    void retainScannedDropsUidsGoneFromServer() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.range(1, 1000));

            store.retainScanned(ALICE, "INBOX", 7, UidSet.parse("901:1200"));
            assertEquals("901:1000", store.scanned(ALICE, "INBOX", 7).toString());

            store.retainScanned(ALICE, "INBOX", 7, UidSet.parse("2000:2100"));
            assertEquals(UidSet.empty(), store.scanned(ALICE, "INBOX", 7));
        }
        assertEquals(List.of(), rawRows("SELECT uids FROM scanned"), "an empty set leaves no row");
    }

    @Test
    void learnedMessageIsRememberedPerClassifier() throws Exception {
        String key = "sha256:0f1e2d";
        try (StateStore store = StateStore.open(db())) {
            store.markLearned(ALICE, key, "bogofilter", Label.SPAM);

            assertTrue(store.isLearned(ALICE, key, "bogofilter"));
            assertFalse(store.isLearned(ALICE, key, "spamd"), "another classifier still has to learn it");
            assertFalse(store.isLearned(BOB, key, "bogofilter"), "another account still has to learn it");
            assertFalse(store.isLearned(ALICE, "sha256:other", "bogofilter"));

            store.markLearned(ALICE, key, "bogofilter", Label.HAM);
        }
        try (StateStore store = StateStore.open(db())) {
            assertEquals(Optional.of(Label.HAM), store.learnedAs(ALICE, key, "bogofilter"));
            assertEquals(Optional.empty(), store.learnedAs(ALICE, key, "spamd"));
        }
    }

    @Test
    void journalEntryWalksFromIntentThroughCopiedToDone() throws Exception {
        Instant t0 = Instant.parse("2025-03-01T10:00:00.123Z");
        MutableClock clock = new MutableClock(t0);
        try (StateStore store = StateStore.open(db(), clock)) {
            long id = store.beginAction(ALICE, "move", "INBOX", 7, UidSet.parse("10:12"), "Spam", 300, "<a@x>\n<b@x>");
            long other = store.beginAction(ALICE, "flag", "INBOX", 7, UidSet.of(13), null, 0, null);
            JournalEntry intent = new JournalEntry(id, ALICE, "move", "INBOX", 7, UidSet.parse("10:12"), "Spam", 300,
                    "<a@x>\n<b@x>", Step.INTENT, UidSet.empty(), t0);
            assertEquals(List.of(intent, new JournalEntry(other, ALICE, "flag", "INBOX", 7, UidSet.of(13), null, 0,
                    null, Step.INTENT, UidSet.empty(), t0)), store.pending(ALICE));
            assertEquals(List.of(), store.pending(BOB));

            store.markCopied(id, UidSet.parse("300:302"));
            assertEquals(new JournalEntry(id, ALICE, "move", "INBOX", 7, UidSet.parse("10:12"), "Spam", 300,
                    "<a@x>\n<b@x>", Step.COPIED, UidSet.parse("300:302"), t0), store.pending(ALICE).get(0));

            store.complete(id);
            store.complete(id);
            assertEquals(List.of(other), store.pending(ALICE).stream().map(JournalEntry::id).toList());
            assertEquals(Step.DONE, store.entry(id).orElseThrow().step(), "done entries stay for undo");

            StateException late = assertThrows(StateException.class, () -> store.markCopied(id, UidSet.of(1)));
            assertEquals("journal entry " + id + " is already done", late.getMessage());
            StateException unknown = assertThrows(StateException.class, () -> store.complete(999));
            assertEquals("no journal entry 999 in " + db().toAbsolutePath(), unknown.getMessage());
        }
    }

    @Test
    void journalIntentSurvivesProcessKill() throws Exception {
        long id;
        try (ChildJvm child = ChildJvm.start("begin-and-halt", db().toString(), ALICE)) {
            id = Long.parseLong(child.awaitLine("BEGUN ", Duration.ofSeconds(20)).substring("BEGUN ".length()));
            assertEquals(StateChild.HALTED, child.exitCode(Duration.ofSeconds(10)));
        }
        try (StateStore store = StateStore.open(db())) {
            List<JournalEntry> pending = store.pending(ALICE);
            assertEquals(1, pending.size());
            JournalEntry e = pending.get(0);
            assertEquals(id, e.id());
            assertEquals(Step.INTENT, e.step());
            assertEquals("move INBOX 7 10:20 Spam 300", String.join(" ", e.action(), e.folder(),
                    Long.toString(e.uidValidity()), e.uids().toString(), e.destination(), Long.toString(e.destUidNext())));
            assertEquals("<a@example.org>\n<b@example.org>", e.detail());
        }
    }

    @Test
    void completeAndAddScannedIsAtomic() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.range(1, 9));
            long id = store.beginAction(ALICE, "move", "INBOX", 7, UidSet.range(10, 12), "Spam", 0, null);

            // The scanned write fails after the journal row was already updated in the transaction.
            rawExec("CREATE TRIGGER fail_scanned BEFORE UPDATE ON scanned BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
            StateException e = assertThrows(StateException.class,
                    () -> store.completeAndAddScanned(id, "INBOX", 7, UidSet.range(10, 12)));
            assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
            assertEquals(Step.INTENT, store.entry(id).orElseThrow().step(), "journal step rolled back");
            assertEquals("1:9", store.scanned(ALICE, "INBOX", 7).toString());
            rawExec("DROP TRIGGER fail_scanned");

            // And the other way round: the journal update fails, so nothing is recorded as scanned.
            rawExec("CREATE TRIGGER fail_journal BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
            assertThrows(StateException.class, () -> store.completeAndAddScanned(id, "INBOX", 7, UidSet.range(10, 12)));
            assertEquals("1:9", store.scanned(ALICE, "INBOX", 7).toString());
            rawExec("DROP TRIGGER fail_journal");

            store.completeAndAddScanned(id, "INBOX", 7, UidSet.range(10, 12));
            assertEquals(Step.DONE, store.entry(id).orElseThrow().step());
            assertEquals("1:12", store.scanned(ALICE, "INBOX", 7).toString());
        }
    }

    @Test
    void pruneJournalDropsOnlyOldDoneEntries() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        try (StateStore store = StateStore.open(db(), clock)) {
            long oldDone = store.beginAction(ALICE, "delete", "Spam", 3, UidSet.of(1), null, 0, null);
            store.complete(oldDone);
            long oldPending = store.beginAction(ALICE, "move", "INBOX", 7, UidSet.of(2), "Spam", 0, null);
            clock.advance(Duration.ofDays(40));
            long recentDone = store.beginAction(ALICE, "flag", "INBOX", 7, UidSet.of(3), null, 0, null);
            store.complete(recentDone);

            assertEquals(1, store.pruneJournal(Duration.ofDays(30)));

            assertEquals(Optional.empty(), store.entry(oldDone));
            assertTrue(store.entry(oldPending).isPresent(), "pending entries are never pruned");
            assertTrue(store.entry(recentDone).isPresent());
        }
    }

    @Test
    void concurrentWritersOnTwoConnectionsLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 100;
        try (StateStore first = StateStore.open(db());
                StateStore second = StateStore.open(db())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long t = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int k = 0; k < threads; k++) {
                    int thread = k;
                    StateStore store = thread % 2 == 0 ? first : second;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            store.addScanned(ALICE, "INBOX", 7, UidSet.of(1 + thread + (long) i * threads));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
                System.out.printf("%d interleaved addScanned calls over 2 connections: %.0f ms%n",
                        threads * perThread, (System.nanoTime() - t) / 1e6);
            } finally {
                pool.shutdownNow();
            }
            assertEquals("1:400", first.scanned(ALICE, "INBOX", 7).toString());
        }
    }

    @Test
    void newerSchemaIsRefusedClearly() throws Exception {
        StateStore.open(db()).close();
        rawExec("PRAGMA user_version = " + (StateStore.SCHEMA_VERSION + 1));

        StateException e = assertThrows(StateException.class, () -> StateStore.open(db()));
        assertEquals("state file " + db().toAbsolutePath() + " was written by a newer begone (schema "
                + (StateStore.SCHEMA_VERSION + 1) + "); this begone knows schema " + StateStore.SCHEMA_VERSION,
                e.getMessage());
    }

    @Test
    void notADatabaseIsAClearError() throws Exception {
        Files.writeString(db(), "alice@imap.example.org:993 INBOX 1:100\n".repeat(100), StandardCharsets.UTF_8);

        StateException e = assertThrows(StateException.class, () -> StateStore.open(db()));
        assertEquals("state file " + db().toAbsolutePath() + " is not a SQLite database; move it away or point "
                + "begone at another state file", e.getMessage());
    }

    @Test
    void anotherProgramsDatabaseIsRefused() throws Exception {
        rawExec("CREATE TABLE moz_places (id INTEGER)");

        StateException e = assertThrows(StateException.class, () -> StateStore.open(db()));
        assertEquals("state file " + db().toAbsolutePath() + " is a SQLite database of another program, not a begone "
                + "state file", e.getMessage());
    }

    @Test
    void stateFileIsOwnerOnly() throws Exception {
        Path nested = dir.resolve("xdg/begone/state.db");
        try (StateStore store = StateStore.open(nested)) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.of(1));
            assertEquals("rw-------", mode(nested));
            assertEquals("rw-------", mode(Path.of(nested + "-wal")), "SQLite copies the db's mode to the WAL");
            assertEquals("rwx------", mode(dir.resolve("xdg/begone")));
            assertEquals("rwx------", mode(dir.resolve("xdg")));
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private void rawExec(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<String> rawRows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }
}
