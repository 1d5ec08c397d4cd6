package dev.begone.classify;

import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A classifier opened on first use and closed with this one, holding one of a few shared permits while it is open.
 * A process watching many accounts then keeps only a few of their models in memory (the built-in one is 16 MB there),
 * and an account waiting for mail keeps none. A cycle with nothing to score or learn never opens it. Failing to open it
 * is a plain {@link ClassifierException}: the classifier is broken, not the message, and the run stops.
 */
public final class OnDemandClassifier implements Classifier {
    /** Opens the classifier, e.g. loads a model from its file. */
    @FunctionalInterface
    public interface Opener {
        Classifier open() throws ClassifierException;
    }

    private final String name;
    private final Opener opener;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private Classifier open;
    private boolean closed;

    /**
     * @param name    the name of what {@code opener} opens, known before opening: the state records lessons under it
     * @param permits shared by the classifiers that may not all be open at once; one is held while this one is open
     */
    public OnDemandClassifier(String name, Opener opener, Semaphore permits) {
        this.name = Objects.requireNonNull(name, "name");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.permits = Objects.requireNonNull(permits, "permits");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        return opened().classify(message);
    }

    @Override
    public Processed process(byte[] message) throws ClassifierException {
        return opened().process(message);
    }

    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        return opened().learn(message, label);
    }

    @Override
    public LearnResult relearn(byte[] message, Label label) throws ClassifierException {
        return opened().relearn(message, label);
    }

    /** Nothing was learned if it was never opened. */
    @Override
    public void sync() throws ClassifierException {
        lock.lock();
        try {
            if (open != null) open.sync();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws ClassifierException {
        lock.lock();
        try {
            closed = true;
            if (open == null) return;
            try {
                open.close();
            } finally {
                open = null;
                permits.release();
            }
        } finally {
            lock.unlock();
        }
    }

    private Classifier opened() throws ClassifierException {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("classifier " + name + " is closed");
            if (open != null) return open;
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClassifierException("interrupted while waiting for room to open classifier " + name, e);
            }
            try {
                Classifier c = opener.open();
                if (!c.name().equals(name)) {
                    c.close();
                    throw new IllegalStateException("opened classifier " + c.name() + " where " + name + " was expected");
                }
                open = c;
                return c;
            } catch (ClassifierException | RuntimeException e) {
                permits.release();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
