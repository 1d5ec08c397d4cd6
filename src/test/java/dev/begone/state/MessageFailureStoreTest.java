package dev.begone.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Label;
import dev.begone.imap.UidSet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of messages a classifier failed on: counted per message and account, forgotten once they go through. */
class MessageFailureStoreTest {
    private static final String ALICE = "alice@imap.example.org:993";
    private static final String BOB = "bob@imap.example.org:993";
    private static final MessageFailure.Key INBOX_7 = new MessageFailure.Key("learn-spam:Learn/Spam", 42, 7);

    @TempDir
    Path dir;

    @Test
    void attemptsAreCountedPerMessageAndAccountWithTheLastError() throws Exception {
        try (StateStore state = StateStore.open(dir.resolve("state.db"))) {
            assertEquals(1, state.recordMessageFailure(ALICE, INBOX_7, "aa", "first"));
            assertEquals(2, state.recordMessageFailure(ALICE, INBOX_7, "aa", "second"));
            assertEquals(1, state.recordMessageFailure(BOB, INBOX_7, "aa", "bob's"));
            List<MessageFailure> alices = state.messageFailures(ALICE);
            assertEquals(1, alices.size());
            assertEquals(2, alices.get(0).attempts());
            assertEquals("second", alices.get(0).lastError());
            assertEquals(INBOX_7, alices.get(0).key());
        }
    }

    @Test
    void anotherMessageUnderTheSameUidStartsCountingAgain() throws Exception {
        try (StateStore state = StateStore.open(dir.resolve("state.db"))) {
            state.recordMessageFailure(ALICE, INBOX_7, "aa", "first");
            state.recordMessageFailure(ALICE, INBOX_7, "aa", "second");
            assertEquals(1, state.recordMessageFailure(ALICE, INBOX_7, "bb", "a different message"));
        }
    }

    @Test
    void failuresOfMessagesThatWentThroughAreForgottenForThatAccountOnly() throws Exception {
        try (StateStore state = StateStore.open(dir.resolve("state.db"))) {
            state.recordMessageFailure(ALICE, INBOX_7, "aa", "e");
            state.recordMessageFailure(BOB, INBOX_7, "aa", "e");
            state.clearMessageFailures(ALICE, INBOX_7.folder(), INBOX_7.uidValidity(), UidSet.range(1, 10));
            assertEquals(List.of(), state.messageFailures(ALICE));
            assertEquals(1, state.messageFailures(BOB).size());
        }
    }

    @Test
    void renamingAnAccountMovesEverythingItHadAndKeepsWhatTheNewNameHad() throws Exception {
        String spelled = "alice@IMAP.Example.org:993";
        try (StateStore state = StateStore.open(dir.resolve("state.db"))) {
            state.addScanned(spelled, "INBOX", 42, UidSet.range(1, 5));
            state.addScanned(spelled, "Other", 9, UidSet.range(1, 2));
            state.addScanned(ALICE, "Other", 9, UidSet.range(1, 3));
            state.markLearned(spelled, "digest", "builtin", Label.SPAM);
            state.recordMessageFailure(spelled, INBOX_7, "aa", "e");

            assertTrue(state.renameAccount(spelled, ALICE));
            assertEquals(UidSet.range(1, 5), state.scanned(ALICE, "INBOX", 42));
            assertEquals(UidSet.range(1, 3), state.scanned(ALICE, "Other", 9));
            assertTrue(state.isLearned(ALICE, "digest", "builtin"));
            assertEquals(1, state.messageFailures(ALICE).size());
            assertEquals(UidSet.empty(), state.scanned(spelled, "INBOX", 42));
        }
    }
}
