package dev.begone.daemon;

import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@link NewMailWaiter}s over IMAP: a connection per folder, the folder examined (read-only) and waited on. */
public final class ImapWaiters {
    private ImapWaiters() {}

    /**
     * @param connect      logs in to the account's server, a new connection each call
     * @param pollInterval how often to ask for new mail where the server has no IDLE
     * @param departures   folders whose waits also end when messages leave them (the user moved one out)
     * @param created      folders created when missing before the wait, as their first use would create them
     */
    public static NewMailWaiter.Opener opener(Callable<MailStore> connect, Duration pollInterval, Set<String> departures,
            Set<String> created) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        Set<String> leaving = Set.copyOf(departures);
        Set<String> create = Set.copyOf(created);
        return folder -> {
            MailStore store = connect.call();
            try {
                if (create.contains(folder) && !store.exists(folder)) store.create(folder);
                // Asked before the folder takes the login's connection: asked after, it would cost a second login
                // held for as long as the wait, a connection per watched folder the server keeps for nothing.
                boolean idle = store.supportsIdle();
                return new Waiter(store, store.open(folder, true), idle, pollInterval, leaving.contains(folder));
            } catch (MailStoreException | RuntimeException e) {
                try {
                    store.close();
                } catch (MailStoreException second) {
                    e.addSuppressed(second);
                }
                throw e;
            }
        };
    }

    private record Waiter(MailStore store, MailStore.OpenFolder folder, boolean idle, Duration pollInterval,
            boolean departures) implements NewMailWaiter {
        @Override
        public boolean await(Duration max) throws MailStoreException, InterruptedException {
            return departures ? folder.awaitChanges(max, pollInterval) : folder.awaitNewMessages(max, pollInterval);
        }

        /** Logging out closes the folder too. */
        @Override
        public void close() throws MailStoreException {
            store.close();
        }
    }
}
