package dev.begone.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatePathsTest {
    private static final String ALICE = "alice@imap.example.org:993";

    @Test
    void xdgStateHomeWins() {
        StatePaths paths = StatePaths.defaults(Map.of("XDG_STATE_HOME", "/srv/state", "HOME", "/home/alice"));
        assertEquals(Path.of("/srv/state/begone"), paths.stateDir());
        assertEquals(Path.of("/srv/state/begone/state.db"), paths.sharedDb());
    }

    @Test
    void homeLocalStateIsTheFallback() {
        assertEquals(Path.of("/home/alice/.local/state/begone"), StatePaths.defaults(Map.of("HOME", "/home/alice")).stateDir());
        assertEquals(Path.of("/home/alice/.local/state/begone"),
                StatePaths.defaults(Map.of("XDG_STATE_HOME", "relative/dir", "HOME", "/home/alice")).stateDir(),
                "a relative XDG_STATE_HOME is ignored, as the XDG spec asks");
    }

    @Test
    void noHomeIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StatePaths.defaults(Map.of()));
        assertEquals("cannot place begone's state: neither XDG_STATE_HOME nor HOME is set", e.getMessage());
    }

    @Test
    void perAccountFilesAreNamedByAShortHashOfTheAccount() {
        StatePaths paths = new StatePaths(Path.of("/s"));
        String id = StatePaths.accountId(ALICE);
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertEquals(Path.of("/s/locks/" + id + ".lock"), paths.lockFile(ALICE));
        assertEquals(Path.of("/s/models/" + id + "-builtin.model"), paths.modelFile(ALICE, "builtin"));
        assertEquals(Path.of("/s/passwords/" + id), paths.passwordFile(ALICE));
        assertEquals(Path.of("/s/accounts/" + id + ".db"), paths.accountDb(ALICE));
        assertNotEquals(paths.lockFile(ALICE), paths.lockFile("alice@imap.example.org:143"));
    }

    @Test
    void classifierNameMustBeUsableAsAFileName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StatePaths(Path.of("/s")).modelFile(ALICE, "../etc"));
        assertEquals("classifier name '../etc' is not usable in a file name", e.getMessage());
    }
}
