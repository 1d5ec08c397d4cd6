package dev.begone.imap;

import static dev.begone.imap.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.GreenMailServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core flows on GreenMail: no ESEARCH (plain SEARCH path), no SPECIAL-USE, no TLS. */
@Timeout(60)
class ImapMailStoreGreenMailTest {
    private GreenMailServer server;

    @BeforeEach
    void start() {
        server = GreenMailServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void plainSearchAndFetchWorkWithoutEsearch() throws Exception {
        byte[] small = message("g1@example.com", "one");
        byte[] big = message("g2@example.com", "two", "z".repeat(3000));
        try (MailStore store = ImapMailStore.connect(server.settings("alice"))) {
            assertFalse(store.capabilities().contains("ESEARCH"));
            long a = store.append("INBOX", small, Set.of("\\Flagged"), Instant.parse("2022-01-01T00:00:00Z"));
            long b = store.append("INBOX", big, Set.of(), null);
            try (MailStore.OpenFolder f = store.open("INBOX", false)) {
                assertEquals(UidSet.of(a, b), f.search(SearchCriteria.all()));
                assertEquals(UidSet.of(a), f.search(SearchCriteria.all().maxSize(small.length)));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().flagged(false)));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().fromUid(b)));
                FetchedMessage m = f.fetch(UidSet.of(a)).get(0);
                assertArrayEquals(small, m.raw());
                assertEquals(Set.of("\\Flagged"), m.flags());
                assertEquals(Instant.parse("2022-01-01T00:00:00Z"), m.internalDate());
                assertFalse(f.fetch(UidSet.of(a, b)).stream().anyMatch(x -> x.flags().contains("\\Seen")));
                assertEquals(Map.of(b, "<g2@example.com>"), f.fetchHeader(UidSet.of(b), "Message-ID"));
            }
        }
    }

    @Test
    void copyThenUidExpungeRemovesOnlyThoseUids() throws Exception {
        try (MailStore store = ImapMailStore.connect(server.settings("alice"))) {
            store.create("Spam");
            long a = store.append("INBOX", message("e1@example.com", "one"), Set.of(), null);
            long b = store.append("INBOX", message("e2@example.com", "two"), Set.of("\\Deleted"), null);
            try (MailStore.OpenFolder f = store.open("INBOX", false)) {
                f.copy(UidSet.of(a), "Spam");
                f.addFlags(UidSet.of(a), Set.of("\\Deleted"));
                f.uidExpunge(UidSet.of(a));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all()));
                f.removeFlags(UidSet.of(b), Set.of("\\Deleted"));
                assertEquals(UidSet.of(b), f.search(SearchCriteria.all().undeleted()));
            }
            try (MailStore.OpenFolder spam = store.open("Spam", true)) {
                assertEquals(1, spam.messageCount());
            }
        }
    }

    @Test
    void moveReportsCopyUid() throws Exception {
        try (MailStore store = ImapMailStore.connect(server.settings("alice"))) {
            store.create("Junk");
            long a = store.append("INBOX", message("mv@example.com", "one"), Set.of(), null);
            try (MailStore.OpenFolder f = store.open("INBOX", false)) {
                assertTrue(store.supportsMove());
                CopyResult r = f.move(UidSet.of(a), "Junk");
                assertTrue(r.known());
                assertEquals(UidSet.of(a), r.sourceUids());
                assertEquals(UidSet.empty(), f.search(SearchCriteria.all()));
            }
        }
    }

    @Test
    void modifiedUtf7FolderNamesAreDecoded() throws Exception {
        try (MailStore store = ImapMailStore.connect(server.settings("alice"))) {
            store.create("Résumé");
            assertTrue(store.exists("Résumé"));
            store.append("Résumé", message("u@example.com", "x"), Set.of(), null);
            Set<String> names = store.listFolders().stream().map(FolderInfo::name).collect(Collectors.toSet());
            assertTrue(names.contains("Résumé"), names.toString());
        }
    }

    @Test
    void passwordNeverAppearsInTrace() throws Exception {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        try (MailStore store = ImapMailStore.connect(server.settings("alice").toBuilder()
                .trace(new PrintStream(trace, true, StandardCharsets.UTF_8)).build())) {
            store.listFolders();
        }
        String text = trace.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("LIST"), text);
        assertFalse(text.contains("alicepw"), text);
    }
}
