package dev.begone.imap;

import static dev.begone.imap.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.Dovecot;
import dev.begone.testing.FaultProxy;
import dev.begone.testing.Variants;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MailStore.OpenFolder#awaitNewMessages} on real Dovecot: IDLE over STARTTLS where offered, NOOP polling
 * where not. Each test waits in its own folder; the IMAP trace tells when the server has accepted IDLE, so mail is
 * delivered only once the waiter is really idling.
 */
@Timeout(120)
class AwaitNewMessagesDovecotTest {
    /** Far beyond every wake-up measured here: a waiter that returns well before it was woken, not timed out. */
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    static Path idleDir;

    @TempDir
    static Path pollDir;

    static Dovecot dovecot;
    /** IDLE not offered: the polling path. */
    static Dovecot noIdle;

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @BeforeAll
    static void startServers() throws Exception {
        dovecot = Dovecot.start(idleDir);
        noIdle = Dovecot.start(pollDir, Dovecot.Options.DEFAULT.withStarttls(false).withIdle(false));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (dovecot != null) dovecot.close();
        if (noIdle != null) noIdle.close();
    }

    @Test
    void messageAppendedFromAnotherConnectionWakesTheIdlingWaiter(TestInfo info) throws Exception {
        Trace trace = new Trace();
        long wokeAfterMillis = wakeAfterAppend(dovecot, folderFor(info), trace, LONG, "+ idling");
        System.out.println("APPEND confirmed -> waiter returned: " + wokeAfterMillis + " ms");
        assertTrue(trace.text().contains("DONE"), "IDLE is ended with DONE before returning");
    }

    @Test
    void waitEndsAtItsDeadlineAndTheConnectionStaysUsable(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("old@test", "there before")));
        try (MailStore store = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS));
                MailStore.OpenFolder open = store.open(folder, true)) {
            long start = System.nanoTime();
            assertFalse(open.awaitNewMessages(Duration.ofMillis(300), LONG));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis >= 300 && tookMillis < 5_000, "took " + tookMillis + " ms");

            assertEquals(UidSet.of(1), open.search(SearchCriteria.all()), "the connection answers commands after DONE");
            appendFromSecondConnection(dovecot, folder);
            assertTrue(open.awaitNewMessages(LONG, LONG), "a later wait still wakes");
        }
    }

    @Test
    void mailThatArrivedBeforeTheCallIsReportedAtOnce(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("old@test", "there before")));
        try (MailStore store = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS));
                MailStore.OpenFolder open = store.open(folder, true)) {
            appendFromSecondConnection(dovecot, folder);
            long start = System.nanoTime();
            assertTrue(open.awaitNewMessages(LONG, LONG));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertFalse(open.awaitNewMessages(Duration.ofMillis(100), LONG), "reported once, not again");
        }
    }

    @Test
    void newMailAfterMessagesWereExpungedStillWakes(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("a@test", "a"), message("b@test", "b"), message("c@test", "c")));
        try (MailStore store = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS));
                MailStore.OpenFolder open = store.open(folder, true);
                MailStore other = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS))) {
            Future<Boolean> waiter = threads.submit(() -> open.awaitNewMessages(LONG, LONG));
            try (MailStore.OpenFolder writable = other.open(folder, false)) {
                // What a scan on another connection does: all three leave, then one new message comes.
                writable.move(UidSet.range(1, 3), "Junk");
            }
            other.append(folder, message("new@test", "new"), Set.of(), null);
            assertTrue(waiter.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, open.messageCount());
        }
    }

    /** The spam folder's wait in begone watch: a user's move out of it (an EXPUNGE there) wakes it too. */
    @Test
    void aMessageMovedOutWakesAWaitForChangesButNotAWaitForNewMessages(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("a@test", "a"), message("b@test", "b")));
        Trace trace = new Trace();
        try (MailStore store = ImapMailStore.connect(Variants.trace(dovecot.settings("alice", TlsMode.STARTTLS), trace.stream()));
                MailStore.OpenFolder open = store.open(folder, true);
                MailStore other = ImapMailStore.connect(dovecot.settings("alice", TlsMode.STARTTLS))) {
            Future<Boolean> changes = threads.submit(() -> open.awaitChanges(LONG, LONG));
            trace.awaitText("+ idling");
            long moved;
            try (MailStore.OpenFolder writable = other.open(folder, false)) {
                writable.move(UidSet.of(1), "INBOX");
                moved = System.nanoTime();
            }
            assertTrue(changes.get(LONG.toSeconds(), TimeUnit.SECONDS));
            System.out.println("MOVE out confirmed -> waiter for changes returned: " + (System.nanoTime() - moved) / 1_000_000 + " ms");
            assertEquals(1, open.messageCount());

            try (MailStore.OpenFolder writable = other.open(folder, false)) {
                writable.move(UidSet.of(2), "INBOX");
            }
            assertFalse(open.awaitNewMessages(Duration.ofMillis(1500), LONG), "a departure is no new mail");
            assertEquals(0, open.messageCount());
            assertTrue(open.awaitChanges(Duration.ofMillis(100), LONG), "the departure is still reported to a wait for changes");
        }
    }

    @Test
    void interruptEndsIdleWithDoneAndLeavesTheConnectionUsable(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("old@test", "there before")));
        Trace trace = new Trace();
        try (MailStore store = ImapMailStore.connect(Variants.trace(dovecot.settings("alice", TlsMode.STARTTLS), trace.stream()));
                MailStore.OpenFolder open = store.open(folder, true)) {
            Future<Boolean> waiter = threads.submit(() -> open.awaitNewMessages(LONG, LONG));
            trace.awaitText("+ idling");
            long start = System.nanoTime();
            waiter.cancel(true);
            threads.shutdown();
            assertTrue(threads.awaitTermination(LONG.toSeconds(), TimeUnit.SECONDS));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            System.out.println("interrupt -> IDLE ended with DONE and its OK read: " + tookMillis + " ms");
            assertTrue(tookMillis < 2_000, "took " + tookMillis + " ms");
            assertTrue(trace.text().matches("(?s).*\\nDONE\\r?\\n[A-Z]+\\d+ OK Idle completed.*"), trace.text());
            assertEquals(UidSet.of(1), open.search(SearchCriteria.all()), "the connection answers commands after DONE");
        }
    }

    @Test
    void withoutIdleTheWaiterPollsWithNoop(TestInfo info) throws Exception {
        Trace trace = new Trace();
        long wokeAfterMillis = wakeAfterAppend(noIdle, folderFor(info), trace, Duration.ofMillis(200), "OK NOOP completed");
        System.out.println("polling every 200 ms: APPEND confirmed -> waiter returned: " + wokeAfterMillis + " ms");
        assertFalse(trace.text().contains(" IDLE"), "no IDLE is sent to a server that does not offer it");
    }

    @Test
    void connectionLostWhileIdlingEndsTheWaitWithAnError(TestInfo info) throws Exception {
        String folder = folderFor(info);
        dovecot.deliver("alice", folder, List.of(message("old@test", "there before")));
        Trace trace = new Trace();
        try (FaultProxy proxy = FaultProxy.start(dovecot.imapPort(), FaultProxy.Policy.pass())) {
            ImapSettings viaProxy = Variants.port(Variants.trace(dovecot.settings("alice", TlsMode.STARTTLS), trace.stream()),
                    proxy.port());
            MailStore store = ImapMailStore.connect(viaProxy);
            try {
                MailStore.OpenFolder open = store.open(folder, true);
                Future<Boolean> waiter = threads.submit(() -> open.awaitNewMessages(LONG, LONG));
                trace.awaitText("+ idling");
                // The next bytes from the server (the EXISTS of the new message) never arrive: the link dies.
                proxy.policy(FaultProxy.Policy.dropAfterBytesFromServer(0));
                appendFromSecondConnection(dovecot, folder);

                ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(LONG.toSeconds(), TimeUnit.SECONDS));
                MailStoreException lost = assertInstanceOf(MailStoreException.class, e.getCause());
                assertFalse(lost.refused(), "a lost connection is not a refusal: " + lost.getMessage());
                assertTrue(lost.getMessage().startsWith("IDLE in " + folder + " on 127.0.0.1:" + proxy.port() + " failed"),
                        lost.getMessage());
            } finally {
                closeGoneStore(store);
            }
        }
    }

    /** Closing a store whose connection is gone may fail as well; that is not what the test is about. */
    private static void closeGoneStore(MailStore store) {
        try {
            store.close();
        } catch (MailStoreException expected) {
            System.out.println("closing after the lost connection: " + expected.getMessage());
        }
    }

    /**
     * Starts a waiter on a folder holding one message, appends another from a second connection once {@code ready}
     * shows in the trace (the waiter is idling or polling), and returns how long after the APPEND it woke.
     */
    private long wakeAfterAppend(Dovecot server, String folder, Trace trace, Duration pollInterval, String ready)
            throws Exception {
        server.deliver("alice", folder, List.of(message("old@test", "there before")));
        try (MailStore store = ImapMailStore.connect(Variants.trace(server.settings("alice", TlsMode.STARTTLS), trace.stream()));
                MailStore.OpenFolder open = store.open(folder, true)) {
            assertEquals(server == dovecot, store.supportsIdle());
            Future<Boolean> waiter = threads.submit(() -> open.awaitNewMessages(LONG, pollInterval));
            trace.awaitText(ready);

            long appended = appendFromSecondConnection(server, folder);
            assertTrue(waiter.get(LONG.toSeconds(), TimeUnit.SECONDS));
            long wokeAfterMillis = (System.nanoTime() - appended) / 1_000_000;
            assertTrue(wokeAfterMillis < 5_000, "woke " + wokeAfterMillis + " ms after the APPEND");
            assertEquals(2, open.messageCount());
            return wokeAfterMillis;
        }
    }

    /** Appends one message on a connection of its own; returns System.nanoTime() once the server confirmed it. */
    private static long appendFromSecondConnection(Dovecot server, String folder) throws Exception {
        try (MailStore other = ImapMailStore.connect(server.settings("alice", TlsMode.STARTTLS))) {
            other.append(folder, message("new-" + System.nanoTime() + "@test", "new"), Set.of(), null);
            return System.nanoTime();
        }
    }

    private static String folderFor(TestInfo info) {
        return info.getTestMethod().orElseThrow().getName();
    }

    /** The IMAP trace of one store, and a bounded wait for some text in it. */
    private static final class Trace {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (Trace.this) {
                    bytes.write(b);
                    Trace.this.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (Trace.this) {
                    bytes.write(b, off, len);
                    Trace.this.notifyAll();
                }
            }
        }, true, StandardCharsets.UTF_8);

        PrintStream stream() {
            return stream;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        synchronized void awaitText(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + LONG.toNanos();
            while (!text().contains(fragment)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no '" + fragment + "' in the trace:\n" + text());
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
