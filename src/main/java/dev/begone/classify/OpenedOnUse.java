package dev.begone.classify;

import java.util.Map;
import java.util.Objects;

/**
 * A classifier opened when first asked to classify or learn, not before: a run with nothing new (the common case of
 * {@code begone run} from cron) then never reads the built-in model, which is most of its start-up after the JVM's.
 * Safe for concurrent use as the classifier it opens is.
 */
public final class OpenedOnUse implements Classifier {
    /** Opens the classifier; called once at most. */
    public interface Opener {
        Classifier open() throws ClassifierException;
    }

    private final String name;
    private final Opener opener;
    private final Object lock = new Object();
    private volatile Classifier opened;

    /** @param name what the opened classifier will call itself (journal and state records use it before it opens) */
    public OpenedOnUse(String name, Opener opener) {
        this.name = Objects.requireNonNull(name, "name");
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    private Classifier get() throws ClassifierException {
        Classifier c = opened;
        if (c != null) return c;
        synchronized (lock) {
            if (opened == null) {
                Classifier fresh = opener.open();
                if (!fresh.name().equals(name)) {
                    fresh.close();
                    throw new IllegalStateException("opened classifier " + fresh.name() + ", expected " + name);
                }
                opened = fresh;
            }
            return opened;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        return get().classify(message);
    }

    @Override
    public Processed process(byte[] message) throws ClassifierException {
        return get().process(message);
    }

    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        return get().learn(message, label);
    }

    @Override
    public LearnResult relearn(byte[] message, Label label) throws ClassifierException {
        return get().relearn(message, label);
    }

    /** Nothing learnt when never opened, so nothing to make durable. */
    @Override
    public void sync(Map<String, Label> lessons) throws ClassifierException {
        Classifier c = opened;
        if (c != null) c.sync(lessons);
    }

    /**
     * Opens the classifier: what its store holds of the last save must be known before anything is learnt, even on
     * a run that learns nothing (a crash after the previous run's save left lessons the state has not recorded).
     */
    @Override
    public Map<String, Label> lastSynced() {
        try {
            return get().lastSynced();
        } catch (ClassifierException e) {
            // It cannot hold lessons it cannot open; the first classify or learn then reports why.
            return Map.of();
        }
    }

    @Override
    public void close() throws ClassifierException {
        Classifier c = opened;
        if (c != null) c.close();
    }
}
