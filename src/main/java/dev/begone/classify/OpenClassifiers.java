package dev.begone.classify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most so many classifiers open at once, for a process that serves many accounts: one not in use stays open for
 * its account's next use until another account needs the room, the least recently used going first. A process with
 * fewer accounts than room keeps each open, as if it held it; one with a thousand keeps a few (a built-in model is 16
 * MB in memory) and opens the others again when their accounts get mail.
 */
public final class OpenClassifiers implements AutoCloseable {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    // Guarded by lock:
    /** Open and not in use, by account, least recently used first. */
    private final LinkedHashMap<String, Classifier> idle = new LinkedHashMap<>(16, 0.75f, true);
    /** In use and idle. */
    private int open;
    private boolean closed;

    public OpenClassifiers(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        this.capacity = capacity;
    }

    /**
     * The account's classifier: the one it used last if still open, else one {@code opener} opens once there is room,
     * closing the least recently used idle one if need be. Give it back with {@link #release}.
     */
    public Classifier acquire(String account, OnDemandClassifier.Opener opener) throws ClassifierException {
        Classifier evicted = null;
        lock.lock();
        try {
            while (true) {
                if (closed) throw new IllegalStateException("closed");
                Classifier kept = idle.remove(account);
                if (kept != null) return kept;
                if (open < capacity) break;
                if (!idle.isEmpty()) {
                    Iterator<Map.Entry<String, Classifier>> eldest = idle.entrySet().iterator();
                    evicted = eldest.next().getValue();
                    eldest.remove();
                    break;
                }
                try {
                    freed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClassifierException("interrupted while waiting for room to open a classifier", e);
                }
            }
            if (evicted == null) open++;
        } finally {
            lock.unlock();
        }
        // The room is taken (an evicted one's is handed over): opening and closing happen outside the lock.
        try {
            if (evicted != null) evicted.close();
            return opener.open();
        } catch (ClassifierException | RuntimeException e) {
            lock.lock();
            try {
                open--;
                freed.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Gives the account's classifier back, open, for its next use or another account's room. */
    public void release(String account, Classifier classifier) throws ClassifierException {
        lock.lock();
        try {
            if (!closed) {
                Classifier other = idle.put(account, classifier);
                if (other == null) {
                    freed.signal();
                    return;
                }
                // Two of one account at once: keep the newer, close the other below.
                classifier = other;
            }
            open--;
            freed.signal();
        } finally {
            lock.unlock();
        }
        classifier.close();
    }

    /** Closes the idle classifiers; those in use are closed as they are released. */
    @Override
    public void close() throws ClassifierException {
        List<Classifier> toClose;
        lock.lock();
        try {
            closed = true;
            toClose = new ArrayList<>(idle.values());
            open -= idle.size();
            idle.clear();
            freed.signalAll();
        } finally {
            lock.unlock();
        }
        ClassifierException first = null;
        for (Classifier c : toClose) {
            try {
                c.close();
            } catch (ClassifierException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
