package dev.begone.classify;

import java.util.Map;

/**
 * Scores raw RFC 5322 messages and learns from labelled ones.
 *
 * <p>Implementations are safe for concurrent use: the scan pipeline calls {@link #classify} from several
 * threads at once (bounded by {@code --jobs}). The bytes given are exactly the bytes on the server.
 */
public interface Classifier extends AutoCloseable {

    /** A short name for logs and reports, e.g. {@code spamd}, {@code builtin}. */
    String name();

    Verdict classify(byte[] message) throws ClassifierException;

    /**
     * Scores the message and returns it as the backend would file it (SpamAssassin adds its report).
     * Backends that do not rewrite return the original bytes.
     */
    default Processed process(byte[] message) throws ClassifierException {
        return new Processed(classify(message), message);
    }

    /** Teaches the message's true label. Learning a message already known in that class is not an error. */
    LearnResult learn(byte[] message, Label label) throws ClassifierException;

    /**
     * Teaches {@code label} for a message this classifier was taught as the other label before (the user corrected
     * an earlier lesson): the earlier lesson is taken back, not added to. The default only learns, which is right for
     * backends that take the old lesson back themselves when taught the other class: SpamAssassin's Bayes (spamd's
     * TELL, sa-learn) forgets a message it learned as the opposite class before learning it, and Rspamd's learn cache
     * makes a learn of the other class an unlearn plus a learn. (spamd refuses Remove and Set in one TELL.)
     */
    default LearnResult relearn(byte[] message, Label label) throws ClassifierException {
        return learn(message, label);
    }

    /**
     * Makes everything learned so far durable. Callers record a message as learned only after this returns.
     * {@code lessons} are the messages learnt since the last sync, by content fingerprint, with the label each was
     * taught: a backend whose learning becomes durable only here (the built-in model) stores them with what it
     * saves, so that after a crash between this sync and the caller's record of them, {@link #lastSynced} still
     * tells them and none is learnt twice. Backends whose learning is durable when {@link #learn} returns (spamd,
     * Rspamd) need not override either: they remember what they learnt themselves.
     */
    default void sync(Map<String, Label> lessons) throws ClassifierException {}

    /** The lessons given to the last sync that made this backend's own store durable, as that store holds them. */
    default Map<String, Label> lastSynced() {
        return Map.of();
    }

    @Override
    default void close() throws ClassifierException {}
}
