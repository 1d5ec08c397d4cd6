package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.begone.config.PasswordRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Password references from the configuration file resolve to the secret, and fail naming the account, never the secret. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AccountWiringTest {
    @TempDir
    Path dir;

    @Test
    void everyReferenceKindResolves() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\nsecond line ignored\n");
        Map<String, String> env = Map.of("PW", "from-env", "PATH", System.getenv("PATH"));

        assertEquals("from-env", AccountWiring.password(new PasswordRef.Env("PW"), env, "alice").reveal());
        assertEquals("from-file", AccountWiring.password(new PasswordRef.File(file), env, "alice").reveal());
        assertEquals("from-command", AccountWiring.password(new PasswordRef.Command("printf 'from-command\\nmore\\n'"), env, "alice").reveal());
        assertEquals("inline", AccountWiring.password(new PasswordRef.Inline("inline"), env, "alice").reveal());
    }

    /** A stand-in secret-tool on PATH shows the arguments begone passes: quoted, so odd characters arrive intact. */
    @Test
    void keyringAsksSecretToolForServiceAndAccount() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("secret-tool");
        Files.writeString(tool, "#!/bin/sh\nprintf '%s|' \"$@\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));

        String got = AccountWiring.password(new PasswordRef.Keyring("imap", "o'brien@example.org"), env, "alice").reveal();

        assertEquals("lookup|service|imap|account|o'brien@example.org|", got);
    }

    @Test
    void keyringWithoutTheSecretNamesAccountAndEntry() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("secret-tool");
        Files.writeString(tool, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));

        ExitException e = assertThrows(ExitException.class,
                () -> AccountWiring.password(new PasswordRef.Keyring("imap", "alice"), env, "alice"));

        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals("alice: password keyring service imap account alice (secret-tool): exited with 1", e.getMessage());
    }

    @Test
    void failingCommandNamesTheAccountButNotTheCommand() {
        ExitException e = assertThrows(ExitException.class, () -> AccountWiring.password(
                new PasswordRef.Command("echo hunter2 >/dev/null; exit 7"), Map.of("PATH", System.getenv("PATH")), "alice"));

        assertEquals("alice: password command: exited with 7", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void unsetVariableIsOneClearLine() {
        ExitException e = assertThrows(ExitException.class,
                () -> AccountWiring.password(new PasswordRef.Env("ALICE_PW"), Map.of(), "alice"));
        assertEquals("alice: password env ALICE_PW: the variable is not set", e.getMessage());
    }
}
