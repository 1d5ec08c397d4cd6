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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    static final String FP_A = "a".repeat(64);
    static final String FP_B = "b".repeat(64);

    /** A plan as a scan with --delete writes it: copy to Spam, mark the originals \Deleted, expunge them. */
    static List<JournalEntry> copyFlagExpunge(String account, UidSet uids) {
        List<JournalEntry.Message> copies = new ArrayList<>();
        List<JournalEntry.Message> plain = new ArrayList<>();
        uids.forEach(uid -> {
            copies.add(new JournalEntry.Message(uid, FP_A, 100 + uid, "<m" + uid + "@x>", FP_A, 0));
            plain.add(new JournalEntry.Message(uid, FP_A, 100 + uid, "<m" + uid + "@x>", null, 0));
        });
        return List.of(
                JournalEntry.intent(account, Purpose.SCAN, ActionKind.COPY, "INBOX", 7, uids, "Spam", Set.of(), 3, 300, copies, null),
                JournalEntry.intent(account, Purpose.SCAN, ActionKind.FLAG, "INBOX", 7, uids, null, Set.of("\\Deleted"), 0, 0, plain, null),
                JournalEntry.intent(account, Purpose.SCAN, ActionKind.EXPUNGE, "INBOX", 7, uids, null, Set.of(), 0, 0, plain, null));
    }

    @Test
    void journalEntryWalksFromIntentThroughCopiedToDoneWithItsTypedFields() throws Exception {
        Instant t0 = Instant.parse("2025-03-01T10:00:00.123Z");
        MutableClock clock = new MutableClock(t0);
        try (StateStore store = StateStore.open(db(), clock)) {
            List<Long> ids = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.parse("10:11")));
            long copy = ids.get(0);
            List<JournalEntry> pending = store.pending(ALICE);
            assertEquals(ids, pending.stream().map(JournalEntry::id).toList());
            assertEquals(1, pending.stream().map(JournalEntry::plan).distinct().count(), "one plan");
            JournalEntry intent = pending.get(0);
            assertEquals(new JournalEntry(copy, ALICE, intent.plan(), Purpose.SCAN, ActionKind.COPY, "INBOX", 7,
                    UidSet.parse("10:11"), "Spam", Set.of(), 3, 300,
                    List.of(new JournalEntry.Message(10, FP_A, 110, "<m10@x>", FP_A, 0),
                            new JournalEntry.Message(11, FP_A, 111, "<m11@x>", FP_A, 0)),
                    null, Step.INTENT, t0, 0, null), intent);
            assertEquals(Set.of("\\Deleted"), pending.get(1).flags());
            assertEquals(List.of(), store.pending(BOB));

            store.markCopied(ALICE, copy, Map.of(10L, 300L, 11L, 301L));
            JournalEntry copied = store.pending(ALICE).get(0);
            assertEquals(Step.COPIED, copied.step());
            assertEquals(List.of(300L, 301L), copied.messages().stream().map(JournalEntry.Message::destUid).toList());

            store.complete(ALICE, copy);
            store.complete(ALICE, copy);
            assertEquals(ids.subList(1, 3), store.pending(ALICE).stream().map(JournalEntry::id).toList());
            assertEquals(Step.DONE, store.entry(ALICE, copy).orElseThrow().step(), "done entries stay for undo");

            StateException late = assertThrows(StateException.class, () -> store.markCopied(ALICE, copy, Map.of()));
            assertEquals("journal entry " + copy + " is already done", late.getMessage());
            StateException unknown = assertThrows(StateException.class, () -> store.complete(ALICE, 999));
            assertEquals("no journal entry 999 of " + ALICE + " in " + db().toAbsolutePath(), unknown.getMessage());
        }
    }

    @Test
    void callsByEntryIdAndPruningStayWithinTheirAccount() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        try (StateStore store = StateStore.open(db(), clock)) {
            long alices = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.of(1))).get(0);
            long bobs = store.beginPlan(BOB, copyFlagExpunge(BOB, UidSet.of(1))).get(0);
            store.complete(BOB, bobs);

            assertThrows(StateException.class, () -> store.complete(BOB, alices));
            assertThrows(StateException.class, () -> store.markCopied(BOB, alices, Map.of()));
            assertThrows(StateException.class, () -> store.failed(BOB, alices, "NO", Duration.ofDays(7)));
            assertEquals(Optional.empty(), store.entry(BOB, alices));
            assertEquals(Step.INTENT, store.entry(ALICE, alices).orElseThrow().step());

            store.complete(ALICE, alices);
            clock.advance(Duration.ofDays(40));
            assertEquals(1, store.pruneJournal(ALICE, Duration.ofDays(30)));
            assertTrue(store.entry(BOB, bobs).isPresent(), "pruning one account leaves another's journal alone");
        }
    }

    @Test
    void theIntentsOfAPlanAreWrittenAllOrNone() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            rawExec("CREATE TRIGGER fail_expunge BEFORE INSERT ON journal_entry WHEN NEW.kind = 'EXPUNGE' "
                    + "BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
            assertThrows(StateException.class, () -> store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.of(5))));
            assertEquals(List.of(), store.pending(ALICE), "no copy or flag intent without the expunge intent");
            assertEquals(List.of("0"), rawRows("SELECT count(*) FROM journal_message"));
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
            assertEquals(3, pending.size());
            JournalEntry e = pending.get(0);
            assertEquals(id, e.id());
            assertEquals(Step.INTENT, e.step());
            assertEquals("COPY INBOX 7 10:20 Spam 3 300", String.join(" ", e.kind().name(), e.source(),
                    Long.toString(e.sourceUidValidity()), e.uids().toString(), e.target(), Long.toString(e.targetUidValidity()),
                    Long.toString(e.targetUidNext())));
            assertEquals(11, e.messages().size());
        }
    }

    @Test
    void completeAndAddScannedIsAtomic() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            store.addScanned(ALICE, "INBOX", 7, UidSet.range(1, 9));
            long id = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.range(10, 12))).get(0);

            // The scanned write fails after the journal row was already updated in the transaction.
            rawExec("CREATE TRIGGER fail_scanned BEFORE UPDATE ON scanned BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
            StateException e = assertThrows(StateException.class,
                    () -> store.completeAndAddScanned(ALICE, id, "INBOX", 7, UidSet.range(10, 12)));
            assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
            assertEquals(Step.INTENT, store.entry(ALICE, id).orElseThrow().step(), "journal step rolled back");
            assertEquals("1:9", store.scanned(ALICE, "INBOX", 7).toString());
            rawExec("DROP TRIGGER fail_scanned");

            // And the other way round: the journal update fails, so nothing is recorded as scanned.
            rawExec("CREATE TRIGGER fail_journal BEFORE UPDATE ON journal_entry BEGIN SELECT RAISE(ABORT, 'disk gone'); END");
            assertThrows(StateException.class, () -> store.completeAndAddScanned(ALICE, id, "INBOX", 7, UidSet.range(10, 12)));
            assertEquals("1:9", store.scanned(ALICE, "INBOX", 7).toString());
            rawExec("DROP TRIGGER fail_journal");

            store.completeAndAddScanned(ALICE, id, "INBOX", 7, UidSet.range(10, 12));
            assertEquals(Step.DONE, store.entry(ALICE, id).orElseThrow().step());
            assertEquals("1:12", store.scanned(ALICE, "INBOX", 7).toString());
        }
    }

    @Test
    void pruneJournalDropsOnlyOldDoneEntries() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        try (StateStore store = StateStore.open(db(), clock)) {
            List<Long> old = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.of(1)));
            store.complete(ALICE, old.get(0));
            clock.advance(Duration.ofDays(40));
            long recentDone = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.of(3))).get(0);
            store.complete(ALICE, recentDone);

            assertEquals(1, store.pruneJournal(ALICE, Duration.ofDays(30)));

            assertEquals(Optional.empty(), store.entry(ALICE, old.get(0)));
            assertTrue(store.entry(ALICE, old.get(1)).isPresent(), "pending entries are never pruned");
            assertTrue(store.entry(ALICE, recentDone).isPresent());
            assertEquals(List.of("5"), rawRows("SELECT count(*) FROM journal_message"), "the pruned entry's messages went with it");
        }
    }

    @Test
    void aPlanThatKeepsFailingIsAbandonedSevenDaysAfterItWasWrittenAndStaysVisible() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        try (StateStore store = StateStore.open(db(), clock)) {
            List<Long> ids = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.of(4)));
            clock.advance(Duration.ofDays(6));
            assertFalse(store.failed(ALICE, ids.get(0), "NO [OVERQUOTA] quota exceeded", Duration.ofDays(7)));
            assertEquals(3, store.pending(ALICE).size());
            assertEquals(UidSet.of(4), store.pendingUids(ALICE, "INBOX", 7), "the plan still holds its messages");

            clock.advance(Duration.ofDays(1).plusSeconds(1));
            assertTrue(store.failed(ALICE, ids.get(0), "NO [OVERQUOTA] quota exceeded", Duration.ofDays(7)));
            assertEquals(List.of(), store.pending(ALICE));
            assertEquals(UidSet.empty(), store.pendingUids(ALICE, "INBOX", 7));
            JournalEntry abandoned = store.entry(ALICE, ids.get(0)).orElseThrow();
            assertEquals(Step.ABANDONED, abandoned.step());
            assertEquals(2, abandoned.attempts());
            assertEquals("NO [OVERQUOTA] quota exceeded", abandoned.lastError());
            assertEquals(Step.ABANDONED, store.entry(ALICE, ids.get(2)).orElseThrow().step(), "the expunge is abandoned with it");

            store.pruneJournal(ALICE, Duration.ZERO);
            assertTrue(store.entry(ALICE, ids.get(0)).isPresent(), "abandoned entries are never pruned");
        }
    }

    @Test
    void completedCopiesAreFoundByTheOriginalsFingerprint() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            List<Long> ids = store.beginPlan(ALICE, List.of(JournalEntry.intent(ALICE, Purpose.SCAN, ActionKind.APPEND,
                    "INBOX", 7, UidSet.of(1, 2), "Spam", Set.of(), 3, 40,
                    List.of(new JournalEntry.Message(1, FP_A, 10, "<a@x>", FP_B, 0),
                            new JournalEntry.Message(2, FP_B, 10, null, FP_A, 0)), "score 12.5")));
            assertEquals(Map.of(), store.filedCopies(ALICE, "Spam", Set.of(FP_A)), "not before the entry completed");
            store.recordCopies(ALICE, ids.get(0), Map.of(1L, 40L));
            store.complete(ALICE, ids.get(0));

            assertEquals(Map.of(FP_A, List.of(new FiledCopy("Spam", 3, 40, FP_B, "<a@x>"))),
                    store.filedCopies(ALICE, "Spam", Set.of(FP_A)));
            assertEquals(List.of(new FiledCopy("Spam", 3, 0, FP_A, null)), store.filedCopies(ALICE, "Spam", Set.of(FP_B)).get(FP_B));
            assertEquals(Map.of(), store.filedCopies(ALICE, "Trash", Set.of(FP_A)));
            assertEquals(Map.of(), store.filedCopies(BOB, "Spam", Set.of(FP_A)));
            assertEquals("score 12.5", store.entry(ALICE, ids.get(0)).orElseThrow().reason());
        }
    }

    @Test
    void schemaOneJournalMigratesKeepingPendingEntriesInOnePlan() throws Exception {
        rawExec("""
                CREATE TABLE journal (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, action TEXT NOT NULL,
                  folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, uids TEXT NOT NULL, destination TEXT,
                  dest_uid_next INTEGER NOT NULL, detail TEXT, step TEXT NOT NULL, dest_uids TEXT NOT NULL,
                  created INTEGER NOT NULL)""");
        rawExec("""
                INSERT INTO journal (account, action, folder, uid_validity, uids, destination, dest_uid_next, detail, step,
                                     dest_uids, created)
                VALUES ('%1$s', 'scan copy', 'INBOX', 7, '1:2', 'Spam', 0, '1\t<a@x>', 'COPIED', '5:6', 1000),
                       ('%1$s', 'scan flag', 'INBOX', 7, '1:2', '\\Deleted \\Flagged', 0, NULL, 'INTENT', '', 1000),
                       ('%1$s', 'learn-ham move', 'Learn', 9, '3', 'INBOX', 0, NULL, 'INTENT', '', 1000),
                       ('%1$s', 'scan expunge', 'INBOX', 7, '8', NULL, 0, NULL, 'DONE', '', 900)""".formatted(ALICE));
        rawExec("CREATE TABLE scanned (account TEXT NOT NULL, folder TEXT NOT NULL, uid_validity INTEGER NOT NULL, "
                + "uids TEXT NOT NULL, PRIMARY KEY (account, folder)) WITHOUT ROWID");
        rawExec("CREATE TABLE learned (account TEXT NOT NULL, message_key TEXT NOT NULL, classifier TEXT NOT NULL, "
                + "label TEXT NOT NULL, learned_at INTEGER NOT NULL, PRIMARY KEY (account, message_key, classifier)) WITHOUT ROWID");
        rawExec("PRAGMA application_id = " + 0x42474F4E);
        rawExec("PRAGMA user_version = 1");

        try (StateStore store = StateStore.open(db())) {
            List<JournalEntry> pending = store.pending(ALICE);
            assertEquals(List.of(ActionKind.COPY, ActionKind.FLAG, ActionKind.MOVE), pending.stream().map(JournalEntry::kind).toList());
            assertEquals(1, pending.stream().map(JournalEntry::plan).distinct().count(), "a failure stops the ones after it");
            assertEquals(Step.COPIED, pending.get(0).step());
            assertEquals(Set.of("\\Deleted", "\\Flagged"), pending.get(1).flags());
            assertEquals(null, pending.get(1).target());
            assertEquals(Purpose.LEARN_HAM, pending.get(2).purpose());
            assertEquals("INBOX", pending.get(2).target());
            assertEquals(0, pending.get(2).targetUidNext(), "schema 1 never knew UIDNEXT: its copies cannot be proven");
            assertEquals(List.of(), pending.get(2).messages());
        }
        assertEquals(List.of("0"), rawRows("SELECT count(*) FROM sqlite_master WHERE name = 'journal'"));
    }

    @Test
    void allowedSendersAreKeptPerAccountLowerCasedOnceAndFollowARenamedAccount() throws Exception {
        try (StateStore store = StateStore.open(db())) {
            assertTrue(store.allowSender(ALICE, "Friend@Example.ORG"));
            assertFalse(store.allowSender(ALICE, "friend@example.org"), "already there, whatever its case");
            assertTrue(store.allowSender(ALICE, "another@example.net"));
            assertTrue(store.allowSender(BOB, "bobs@example.com"));
        }
        try (StateStore store = StateStore.open(db())) {
            assertEquals(List.of("another@example.net", "friend@example.org"), List.copyOf(store.allowedSenders(ALICE)));
            assertEquals(Set.of("bobs@example.com"), store.allowedSenders(BOB));
            assertTrue(store.renameAccount(ALICE, "config:alice"));
            assertEquals(Set.of(), store.allowedSenders(ALICE));
            assertEquals(Set.of("another@example.net", "friend@example.org"), store.allowedSenders("config:alice"));
        }
    }

    @Test
    void aJournalOfSchema3KeepsItsEntriesTheirMessagesAndTheirNumberingAndTakesWhitelistMoves() throws Exception {
        List<Long> before;
        try (StateStore store = StateStore.open(db())) {
            before = store.beginPlan(ALICE, copyFlagExpunge(ALICE, UidSet.parse("10:11")));
        }
        // Back to schema 3 as it was: no allow-list nor spam watch, and a CHECK on purpose that did not know ALLOW_SENDER;
        // nor schema 5's duplicate keys and journal notes, nor schema 6's record of accounts moved to their own file.
        rawExecInOne("DROP TABLE imported", "DROP TABLE duplicate_key", "ALTER TABLE journal_message DROP COLUMN sender",
                "ALTER TABLE journal_message DROP COLUMN subject", "ALTER TABLE journal_message DROP COLUMN reason",
                "ALTER TABLE journal_message DROP COLUMN restored",
                "DROP TABLE allowed_sender", "DROP TABLE spam_watch", "PRAGMA writable_schema = ON",
                "UPDATE sqlite_master SET sql = replace(sql, ', ''ALLOW_SENDER''', '') WHERE name = 'journal_entry'",
                "PRAGMA writable_schema = OFF", "PRAGMA user_version = 3");
        assertEquals(List.of("0"), rawRows("SELECT instr(sql, 'ALLOW_SENDER') FROM sqlite_master WHERE name = 'journal_entry'"));

        try (StateStore store = StateStore.open(db())) {
            List<JournalEntry> pending = store.pending(ALICE);
            assertEquals(before, pending.stream().map(JournalEntry::id).toList());
            assertEquals(2, pending.get(0).messages().size());
            List<Long> next = store.beginPlan(ALICE, List.of(JournalEntry.intent(ALICE, Purpose.ALLOW_SENDER, ActionKind.MOVE,
                    "spam/whitelist", 5, UidSet.of(1), "INBOX", Set.of(), 1, 10,
                    List.of(new JournalEntry.Message(1, FP_A, 100, "<a@x>", FP_A, 0)), null)));
            assertTrue(next.get(0) > before.get(before.size() - 1), next + " after " + before);
            assertEquals(Purpose.ALLOW_SENDER, store.entry(ALICE, next.get(0)).orElseThrow().purpose());
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

    /** Statements on one connection, for pragmas that last as long as their connection. */
    private void rawExecInOne(String... sqls) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement st = c.createStatement()) {
            for (String sql : sqls) st.execute(sql);
        }
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
