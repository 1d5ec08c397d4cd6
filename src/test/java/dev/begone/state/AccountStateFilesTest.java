package dev.begone.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Label;
import dev.begone.imap.UidSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each account keeps its state in a file of its own, and takes over what the shared file of earlier versions kept. */
class AccountStateFilesTest {
    private static final String ALICE = "config:alice";
    private static final String BOB = "config:bob";

    @TempDir
    Path dir;

    private StatePaths paths() {
        return new StatePaths(dir);
    }

    /**
     * Shorter than the busy timeout (30 s): were both accounts in one file, Bob's commit would wait for Alice's
     * transaction that long and then fail.
     */
    @Test
    @Timeout(20)
    void anAccountCommitsWhileAnotherAccountsWriteTransactionIsOpen() throws Exception {
        assertNotEquals(paths().accountDb(ALICE), paths().accountDb(BOB));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (StateStore alice = StateStore.openAccount(paths(), ALICE);
                StateStore bob = StateStore.openAccount(paths(), BOB);
                Connection aliceWriter = DriverManager.getConnection("jdbc:sqlite:" + paths().accountDb(ALICE));
                Statement st = aliceWriter.createStatement()) {
            st.setQueryTimeout(5);
            // Another writer of Alice's file mid-transaction: it holds her file's write lock until it commits.
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO allowed_sender (account, address, added) VALUES ('" + ALICE + "', 'x@example.org', 0)");
            Future<?> alicesWrite = threads.submit(() -> {
                alice.addScanned(ALICE, "INBOX", 7, UidSet.of(1));
                return null;
            });

            bob.addScanned(BOB, "INBOX", 9, UidSet.parse("1:3"));
            bob.markLearned(BOB, "key-1", "builtin", Label.SPAM);

            assertFalse(alicesWrite.isDone(), "Alice's own write waits for her file's lock");
            st.execute("COMMIT");
            alicesWrite.get();
            assertEquals("1", alice.scanned(ALICE, "INBOX", 7).toString());
            assertEquals("1:3", bob.scanned(BOB, "INBOX", 9).toString());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void theSharedFileOfEarlierVersionsIsMovedIntoEachAccountsFileOnFirstOpen() throws Exception {
        writeSharedState();

        try (StateStore alice = StateStore.openAccount(paths(), ALICE)) {
            assertEquals(paths().accountDb(ALICE).toAbsolutePath(), alice.file());
            assertAliceMovedOver(alice);
        }
        try (StateStore shared = StateStore.open(paths().sharedDb())) {
            assertEquals(UidSet.empty(), shared.scanned(ALICE, "INBOX", 7), "Alice's rows left the shared file");
            assertEquals(List.of(), shared.journal(ALICE, Instant.EPOCH));
            assertEquals(Set.of(), shared.allowedSenders(ALICE));
            assertEquals("5:6", shared.scanned(BOB, "INBOX", 7).toString(), "Bob's rows wait for Bob");
            assertEquals(3, shared.journal(BOB, Instant.EPOCH).size());
        }
        try (StateStore reader = StateStore.openAccountInMemoryCopy(paths(), ALICE)) {
            assertAliceMovedOver(reader);
        }
        try (StateStore bob = StateStore.openAccount(paths(), BOB)) {
            assertEquals("5:6", bob.scanned(BOB, "INBOX", 7).toString());
            assertEquals(3, bob.journal(BOB, Instant.EPOCH).size());
            assertEquals(UidSet.empty(), bob.scanned(ALICE, "INBOX", 7));
        }
    }

    /** The copy commits in the account's file before the shared file's delete: a crash between them is finished next time. */
    @Test
    @Timeout(30)
    void aMoveCutShortBetweenCopyAndDeleteIsFinishedWithoutCopyingTwice() throws Exception {
        writeSharedState();
        Path before = dir.resolve("shared-before-the-delete.db");
        Files.copy(paths().sharedDb(), before);
        try (StateStore alice = StateStore.openAccount(paths(), ALICE)) {
            assertAliceMovedOver(alice);
        }
        // As if the process died after the account's file committed and before the shared file's delete did.
        Files.copy(before, paths().sharedDb(), StandardCopyOption.REPLACE_EXISTING);

        try (StateStore alice = StateStore.openAccount(paths(), ALICE)) {
            assertAliceMovedOver(alice);
            alice.addScanned(ALICE, "INBOX", 7, UidSet.of(4));
        }
        try (StateStore shared = StateStore.open(paths().sharedDb())) {
            assertEquals(UidSet.empty(), shared.scanned(ALICE, "INBOX", 7));
            assertEquals(List.of(), shared.journal(ALICE, Instant.EPOCH));
        }
        try (StateStore alice = StateStore.openAccount(paths(), ALICE)) {
            assertEquals("1:4", alice.scanned(ALICE, "INBOX", 7).toString(), "written after the move, kept");
        }
    }

    @Test
    @Timeout(30)
    void aReaderSeesTheSharedRowsNotYetMovedAndChangesNoFile() throws Exception {
        writeSharedState();
        byte[] shared = Files.readAllBytes(paths().sharedDb());
        try (StateStore alice = StateStore.openAccountInMemoryCopy(paths(), ALICE)) {
            assertAliceMovedOver(alice);
        }
        assertFalse(Files.exists(paths().accountDb(ALICE)), "no account file created");
        assertTrue(Arrays.equals(shared, Files.readAllBytes(paths().sharedDb())), "the shared file is unchanged");
    }

    /** What an earlier begone kept for Alice and Bob in the one shared file. */
    private void writeSharedState() throws StateException {
        try (StateStore shared = StateStore.open(paths().sharedDb())) {
            shared.addScanned(ALICE, "INBOX", 7, UidSet.parse("1:3"));
            shared.markLearned(ALICE, "key-1", "builtin", Label.HAM);
            shared.allowSender(ALICE, "friend@example.org");
            shared.recordMessageFailure(ALICE, new MessageFailure.Key("INBOX", 7, 2), StateStoreTest.FP_B, "too big");
            List<Long> ids = shared.beginPlan(ALICE, StateStoreTest.copyFlagExpunge(ALICE, UidSet.parse("2:3")));
            shared.markCopied(ALICE, ids.get(0), Map.of(2L, 300L, 3L, 301L));
            shared.addScanned(BOB, "INBOX", 7, UidSet.parse("5:6"));
            shared.beginPlan(BOB, StateStoreTest.copyFlagExpunge(BOB, UidSet.of(5)));
        }
    }

    private static void assertAliceMovedOver(StateStore alice) throws StateException {
        assertEquals("1:3", alice.scanned(ALICE, "INBOX", 7).toString());
        assertEquals(Label.HAM, alice.learnedAs(ALICE, "key-1", "builtin").orElseThrow());
        assertEquals(Set.of("friend@example.org"), alice.allowedSenders(ALICE));
        assertEquals(1, alice.messageFailures(ALICE).size());
        List<JournalEntry> journal = alice.journal(ALICE, Instant.EPOCH);
        assertEquals(3, journal.size(), journal.toString());
        assertEquals(JournalEntry.Step.COPIED, journal.get(0).step());
        assertEquals(List.of(300L, 301L), journal.get(0).messages().stream().map(JournalEntry.Message::destUid).toList(),
                "each message with its copy's UID");
        assertEquals(3, alice.pending(ALICE).size(), "recovery finds the unfinished plan");
        assertEquals(UidSet.empty(), alice.scanned(BOB, "INBOX", 7), "only Alice's rows");
    }
}
