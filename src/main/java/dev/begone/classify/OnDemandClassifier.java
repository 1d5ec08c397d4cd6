package dev.begone.classify;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A classifier opened on first use, not before: a run with nothing new (the common case of {@code begone run} from
 * cron) never reads the built-in model, which is most of its start-up after the JVM's. Either owned (opened, and
 * closed with this one), or an account's taken from {@link OpenClassifiers} and given back when this one is closed: a
 * process watching many accounts keeps only a few of their models in memory, and a cycle with nothing to score or
 * learn needs none. Failing to open it is a plain {@link ClassifierException}: the classifier is broken, not the
 * message, and the run stops.
 */
public final class OnDemandClassifier implements Classifier {
    /** Opens the classifier, e.g. loads a model from its file. */
    @FunctionalInterface
    public interface Opener {
        Classifier open() throws ClassifierException;
    }

    /**
     * What the classifier's store holds of its last save ({@link Classifier#lastSynced}), read without opening it:
     * recovery asks for it on every run and every watched cycle, most of which score nothing.
     */
    @FunctionalInterface
    public interface LessonsReader {
        Map<String, Label> read() throws ClassifierException;
    }

    private final String name;
    private final String account;
    private final Opener opener;
    /** Null when shared: the room's classifier answers. */
    private final LessonsReader lessons;
    /** Null when owned. */
    private final OpenClassifiers room;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private Classifier open;
    private boolean closed;

    /**
     * @param name    the name of what {@code opener} opens, known before opening: the state records lessons under it
     * @param account whose classifier {@code opener} opens
     */
    private OnDemandClassifier(String name, String account, Opener opener, LessonsReader lessons, OpenClassifiers room) {
        this.name = Objects.requireNonNull(name, "name");
        this.account = Objects.requireNonNull(account, "account");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.lessons = lessons;
        this.room = room;
    }

    /**
     * A classifier of its own, opened by {@code opener} at first use and closed with this one; until then
     * {@code lessons} tells what its last save held.
     */
    public static OnDemandClassifier owned(String name, Opener opener, LessonsReader lessons) {
        return new OnDemandClassifier(name, "", opener, Objects.requireNonNull(lessons, "lessons"), null);
    }

    /** {@code account}'s classifier, taken from {@code room} at first use and given back when this one is closed. */
    public static OnDemandClassifier sharing(String name, String account, Opener opener, OpenClassifiers room) {
        return new OnDemandClassifier(name, account, opener, null, Objects.requireNonNull(room, "room"));
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
    public void sync(Map<String, Label> lessons) throws ClassifierException {
        lock.lock();
        try {
            if (open != null) open.sync(lessons);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What its store holds of the last save: that must be known before anything is learnt, even on a run that learns
     * nothing (a crash after the previous run's save left lessons the state has not recorded). Read without opening
     * it while closed; a shared one asks the room, which may know them from the account's classifier it closed.
     */
    @Override
    public Map<String, Label> lastSynced() {
        try {
            lock.lock();
            try {
                if (open != null) return open.lastSynced();
                if (lessons != null) return lessons.read();
                Optional<Map<String, Label>> known = room.lessonsIfClosed(account);
                if (known.isPresent()) return known.get();
            } finally {
                lock.unlock();
            }
            return opened().lastSynced();
        } catch (ClassifierException e) {
            // It holds no lessons it cannot read; the first classify or learn then reports why.
            return Map.of();
        }
    }

    @Override
    public void close() throws ClassifierException {
        lock.lock();
        try {
            closed = true;
            if (open == null) return;
            Classifier c = open;
            open = null;
            if (room == null) c.close();
            else room.release(account, c);
        } finally {
            lock.unlock();
        }
    }

    private Classifier opened() throws ClassifierException {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("classifier " + name + " is closed");
            if (open != null) return open;
            Classifier c = room == null ? opener.open() : room.acquire(account, opener);
            if (!c.name().equals(name)) {
                if (room == null) c.close();
                else room.release(account, c);
                throw new IllegalStateException("opened classifier " + c.name() + " where " + name + " was expected");
            }
            open = c;
            return c;
        } finally {
            lock.unlock();
        }
    }
}
