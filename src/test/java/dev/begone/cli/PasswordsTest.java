package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password files as users already have them: begone's plain first line, or the JSON isbg 2.3.1's --savepw wrote. */
class PasswordsTest {
    @TempDir
    Path dir;

    private String read(String content) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, content);
        return Passwords.fromFile(file, "--passwdfilename").reveal();
    }

    @Test
    void thePasswordIsTheFirstLine() throws Exception {
        assertEquals("s3cret word", read("s3cret word\nignored\n"));
    }

    @Test
    void aFileIsbgSavedIsReadAsIsbgWroteIt() throws Exception {
        assertEquals("p\"w{x}", read("{\"password\": \"p\\\"w{x}\"}"));
    }

    @Test
    void aPlainPasswordThatLooksLikeJsonIsStillThePassword() throws Exception {
        assertEquals("{braces", read("{braces\n"));
        assertEquals("{\"user\": \"x\"}", read("{\"user\": \"x\"}\n"));
    }
}
