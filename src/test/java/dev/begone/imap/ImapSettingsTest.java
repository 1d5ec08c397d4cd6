package dev.begone.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImapSettingsTest {
    private static final ImapSettings BASE =
            ImapSettings.builder("imap.example.com", 993, "alice", Secret.of("hunter2"), TlsMode.IMPLICIT).build();

    @Test
    void passwordNeverAppearsInToString() {
        assertEquals("***", Secret.of("hunter2").toString());
        assertFalse(BASE.toString().contains("hunter2"), BASE.toString());
    }

    @Test
    void invalidSettingsNameTheBadField() {
        assertEquals("port 0 is not in 1..65535", assertThrows(IllegalArgumentException.class,
                () -> ImapSettings.builder("h", 0, "u", Secret.of("p"), TlsMode.IMPLICIT).build()).getMessage());
        assertEquals("host is empty", assertThrows(IllegalArgumentException.class,
                () -> ImapSettings.builder(" ", 993, "u", Secret.of("p"), TlsMode.IMPLICIT).build()).getMessage());
        assertEquals("allowPlaintext applies only to tls=STARTTLS", assertThrows(IllegalArgumentException.class,
                () -> BASE.toBuilder().allowPlaintext(true).build()).getMessage());
        assertEquals("trustCa and insecure exclude each other", assertThrows(IllegalArgumentException.class,
                () -> BASE.toBuilder().trustCa(Path.of("ca.pem")).insecure(true).build()).getMessage());
        assertEquals("timeout must be positive, was PT0S", assertThrows(IllegalArgumentException.class,
                () -> BASE.toBuilder().timeout(Duration.ZERO).build()).getMessage());
    }

    @Test
    void searchCriteriaRejectHalfAHeaderCondition() {
        assertEquals("headerName and headerValue must both be set or both be null",
                assertThrows(IllegalArgumentException.class, () -> SearchCriteria.all().header("Subject", null))
                        .getMessage());
    }

    @Test
    void flagsThatCannotBeStoredAreRejected() {
        assertEquals("flag \\Recent is not a settable IMAP system flag", assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.flagList(java.util.Set.of("\\Recent"))).getMessage());
        assertEquals("flag 'two words' is not a valid IMAP keyword", assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.flagList(java.util.Set.of("two words"))).getMessage());
        assertEquals("(\\Seen)", ImapResponses.flagList(java.util.Set.of("\\Seen")));
    }
}
