package dev.begone.pipeline;

import dev.begone.classify.Classifier;
import dev.begone.imap.MailStore;
import dev.begone.state.StateStore;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * What every flow of one run works with: the account's mailbox and state, the classifier, the pool that bounds
 * concurrent classifier calls, and the observer.
 *
 * @param account the key under which the state store keeps this account's records
 * @param stop    checked between batches: a stopped flow finishes the batch it is acting on and leaves the rest
 */
public record Session(MailStore store, StateStore state, String account, Classifier classifier, ExecutorService pool,
        PipelineListener listener, StopSignal stop) {
    /** A session that runs to the end. */
    public Session(MailStore store, StateStore state, String account, Classifier classifier, ExecutorService pool,
            PipelineListener listener) {
        this(store, state, account, classifier, pool, listener, StopSignal.NEVER);
    }

    public Session {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(stop, "stop");
    }
}
