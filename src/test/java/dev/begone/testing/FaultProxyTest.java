package dev.begone.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import dev.begone.imap.Secret;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.TlsMode;
import dev.begone.imap.UidSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fault sweep relies on these: the proxy logs commands, and cuts exactly before a command or after its answer. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultProxyTest {
    @TempDir
    static Path dir;

    static Dovecot dovecot;

    @BeforeAll
    static void start() throws Exception {
        dovecot = Dovecot.start(dir, Dovecot.Options.DEFAULT.withStarttls(false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) dovecot.close();
    }

    static ImapSettings through(FaultProxy proxy) {
        return ImapSettings.builder("127.0.0.1", proxy.port(), "alice", Secret.of(Dovecot.PASSWORDS.get("alice")),
                TlsMode.STARTTLS).allowPlaintext(true).timeout(Duration.ofSeconds(20)).build();
    }

    /** Flags \Flagged on every message of {@code folder} through the proxy; returns the numbered commands it sent. */
    static List<String> flagAll(FaultProxy proxy, String folder) throws Exception {
        try (MailStore store = ImapMailStore.connect(through(proxy)); MailStore.OpenFolder f = store.open(folder, false)) {
            f.addFlags(f.search(SearchCriteria.all()), Set.of("\\Flagged"));
        }
        return proxy.commands();
    }

    static boolean flaggedOnServer(String folder) throws Exception {
        return Mailbox.messages(dovecot.settings("alice", TlsMode.STARTTLS), folder).get(0).flags().contains("\\Flagged");
    }

    /**
     * Gives {@code folder} one unflagged message after a rehearsal through the proxy; returns the rehearsal's UID
     * STORE, which a second {@link #flagAll} sends again.
     */
    static String rehearseFlagging(FaultProxy proxy, String folder) throws Exception {
        dovecot.deliver("alice", folder, TestMail.hams(0, 1));
        List<String> commands = flagAll(proxy, folder);
        try (MailStore s = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS));
                MailStore.OpenFolder f = s.open(folder, false)) {
            f.removeFlags(UidSet.of(1), Set.of("\\Flagged"));
        }
        return commands.stream().filter(c -> c.startsWith("UID STORE")).findFirst()
                .orElseThrow(() -> new AssertionError("no UID STORE in " + commands));
    }

    @Test
    void commandsAreLoggedOverTheRunWithTheLoginHidden() throws Exception {
        dovecot.deliver("alice", "Numbered", TestMail.hams(0, 1));
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), FaultProxy.Policy.pass())) {
            List<String> commands = flagAll(proxy, "Numbered");
            assertTrue(commands.stream().anyMatch(c -> c.equals("AUTHENTICATE ***") || c.equals("LOGIN ***")), commands.toString());
            assertTrue(commands.stream().noneMatch(c -> c.contains(Dovecot.PASSWORDS.get("alice"))), commands.toString());
            assertTrue(commands.contains("SELECT Numbered"), commands.toString());
            assertEquals("LOGOUT", commands.get(commands.size() - 1));
        }
    }

    @Test
    void cutBeforeACommandKeepsItFromTheServer() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), FaultProxy.Policy.pass())) {
            String store = rehearseFlagging(proxy, "Before");
            proxy.policy(new FaultProxy.Policy.CutBeforeCommand(FaultProxy.shape(store), 1));
            assertThrows(MailStoreException.class, () -> flagAll(proxy, "Before"));
            assertEquals(1, proxy.drops());
            assertTrue(!flaggedOnServer("Before"), "the cut command never reached the server");
        }
    }

    @Test
    void cutAfterAnAnswerLetsTheServerActButTheClientNeverHears() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), FaultProxy.Policy.pass())) {
            String store = rehearseFlagging(proxy, "After");
            proxy.policy(new FaultProxy.Policy.CutAfterAnswer(FaultProxy.shape(store), 1));
            assertThrows(MailStoreException.class, () -> flagAll(proxy, "After"));
            assertEquals(1, proxy.drops());
            assertTrue(flaggedOnServer("After"), "the server carried out the command whose answer was cut");

            assertThrows(MailStoreException.class, () -> ImapMailStore.connect(through(proxy)), "the network stays down");
            proxy.policy(FaultProxy.Policy.pass());
            flagAll(proxy, "After");
        }
    }
}
