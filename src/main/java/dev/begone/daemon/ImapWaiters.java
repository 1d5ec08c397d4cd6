package dev.begone.daemon;

import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@link NewMailWaiter}s over IMAP: a connection per folder, the folder examined (read-only) and waited on. */
public final class ImapWaiters {
    private ImapWaiters() {}

    /**
     * @param connect      logs in to the account's server, a new connection each call
     * @param pollInterval how often to ask for new mail where the server has no IDLE
     */
    public static NewMailWaiter.Opener opener(Callable<MailStore> connect, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        return folder -> {
            MailStore store = connect.call();
            try {
                return new Waiter(store, store.open(folder, true), store.supportsIdle(), pollInterval);
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

    private record Waiter(MailStore store, MailStore.OpenFolder folder, boolean idle, Duration pollInterval)
            implements NewMailWaiter {
        @Override
        public boolean await(Duration max) throws MailStoreException, InterruptedException {
            return folder.awaitNewMessages(max, pollInterval);
        }

        /** Logging out closes the folder too. */
        @Override
        public void close() throws MailStoreException {
            store.close();
        }
    }
}
