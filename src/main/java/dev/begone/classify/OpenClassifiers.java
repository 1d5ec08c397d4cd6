package dev.begone.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Signalled on every change: waiters wait for room, or for an account's classifier to finish opening. */
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    /**
     * In use (or being opened), by account. Cycles of one account that run at once (a scan and a training) share one
     * classifier: two built-in models loaded from one file would each save over the other's lessons.
     */
    private final Map<String, Held> held = new HashMap<>();
    /** Open and not in use, by account, least recently used first. */
    private final LinkedHashMap<String, Classifier> idle = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * The lessons of the last save of each account's classifier that was open here and closed to make room. Its store
     * holds them still, as only this process writes it (the account's lock): a cycle that wants them alone (recovery
     * does, every cycle) need not load the model again for them.
     */
    private final Map<String, Map<String, Label>> lessonsOfClosed = new HashMap<>();
    /** In use, being opened and idle. */
    private int open;
    private boolean closed;

    private static final class Held {
        Classifier classifier; // null while being opened
        int users = 1;
    }

    public OpenClassifiers(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        this.capacity = capacity;
    }

    /**
     * The account's classifier: the one in use or used last if still open, else one {@code opener} opens once there
     * is room, closing the least recently used idle one if need be. Give it back with {@link #release}, once per
     * acquire.
     */
    public Classifier acquire(String account, OnDemandClassifier.Opener opener) throws ClassifierException {
        Classifier evicted = null;
        String evictedAccount = null;
        Held opening = new Held();
        lock.lock();
        try {
            while (true) {
                if (closed) throw new IllegalStateException("closed");
                Held h = held.get(account);
                if (h != null && h.classifier != null) {
                    h.users++;
                    return h.classifier;
                }
                if (h == null) {
                    Classifier kept = idle.remove(account);
                    if (kept != null) {
                        opening.classifier = kept;
                        held.put(account, opening);
                        return kept;
                    }
                    if (open < capacity) {
                        open++;
                        break;
                    }
                    if (!idle.isEmpty()) {
                        Iterator<Map.Entry<String, Classifier>> eldest = idle.entrySet().iterator();
                        Map.Entry<String, Classifier> e = eldest.next();
                        evictedAccount = e.getKey();
                        evicted = e.getValue();
                        eldest.remove();
                        break; // the evicted one's room is handed over
                    }
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClassifierException("interrupted while waiting for room to open a classifier", e);
                }
            }
            held.put(account, opening);
            // Open again, it may save new lessons.
            lessonsOfClosed.remove(account);
        } finally {
            lock.unlock();
        }
        // The room is taken: opening and closing happen outside the lock.
        Classifier c = null;
        try {
            if (evicted != null) {
                // Asked before closing: a classifier opened on demand would open again to answer.
                Map<String, Label> lessons = evicted.lastSynced();
                evicted.close();
                remember(evictedAccount, lessons);
            }
            c = opener.open();
            return c;
        } finally {
            lock.lock();
            try {
                if (c == null) {
                    held.remove(account);
                    open--;
                } else {
                    opening.classifier = c;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void remember(String account, Map<String, Label> lessons) {
        lock.lock();
        try {
            // Unless the account opened it again meanwhile.
            if (!held.containsKey(account) && !idle.containsKey(account)) lessonsOfClosed.put(account, Map.copyOf(lessons));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lessons of the last save of the account's classifier if it was open here and has been closed since, as its
     * store holds them; empty when it is open, or was never opened here (then only opening it tells).
     */
    public Optional<Map<String, Label>> lessonsIfClosed(String account) {
        lock.lock();
        try {
            return Optional.ofNullable(lessonsOfClosed.get(account));
        } finally {
            lock.unlock();
        }
    }

    /** Gives the account's classifier back, open, for its next use or another account's room. */
    public void release(String account, Classifier classifier) throws ClassifierException {
        lock.lock();
        try {
            Held h = held.get(account);
            if (h == null || h.classifier != classifier) throw new IllegalStateException("not acquired: " + classifier.name() + " of " + account);
            if (--h.users > 0) return;
            held.remove(account);
            changed.signalAll();
            if (!closed) {
                idle.put(account, classifier);
                return;
            }
            open--;
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
            changed.signalAll();
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
