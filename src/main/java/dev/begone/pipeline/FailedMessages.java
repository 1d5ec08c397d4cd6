package dev.begone.pipeline;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.MessageRejectedException;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.UidSet;
import dev.begone.state.MessageFailure;
import dev.begone.state.StateException;
import java.util.List;

/**
 * Messages the classifier failed on, one by one: each is skipped with a log line, tried again on later runs, and
 * after {@value #MAX_ATTEMPTS} failed runs recorded as handled and left where it is. A batch in which every message
 * that reached the classifier failed says the classifier is broken, not the messages, and stops the run.
 */
final class FailedMessages {
    static final int MAX_ATTEMPTS = 3;

    /**
     * One message and the classifier's error about it.
     *
     * @param fingerprint SHA-256 of the raw message, or {@code size:N} for one too large to fetch
     */
    record Failure(long uid, long size, String fingerprint, MessageRejectedException error) {
        Failure(FetchedMessage m, MessageRejectedException error) {
            this(m.uid(), m.raw().length, MessageIds.digest(m.raw()), error);
        }
    }

    /** What became of a batch's failures: given up now, or left to a later run. */
    record Outcome(UidSet givenUp, int retried) {}

    private final Session session;

    FailedMessages(Session session) {
        this.session = session;
    }

    /**
     * @param succeeded messages of the batch the classifier handled
     * @throws ClassifierException when at least two messages reached the classifier and none went through
     */
    static void requireClassifierWorks(int succeeded, List<Failure> failures) throws ClassifierException {
        List<Failure> reached = failures.stream().filter(f -> !f.error().checkedLocally()).toList();
        if (succeeded == 0 && reached.size() >= 2) {
            throw new ClassifierException("the classifier failed on every message of a batch (" + reached.size()
                    + "), so it is not the messages: " + reached.get(0).error().getMessage(), reached.get(0).error());
        }
    }

    /** Forgets earlier failures of messages that have now gone through, so only real failures stay on record. */
    void forget(String stateKey, long uidValidity, UidSet succeeded) throws StateException {
        session.state().clearMessageFailures(session.account(), stateKey, uidValidity, succeeded);
    }

    /**
     * Logs each failure and, unless {@code dryRun}, counts the attempt in the state.
     *
     * @param stateKey the key of the folder's purpose (scan or learning) in the state store
     */
    Outcome record(String folder, String stateKey, long uidValidity, List<Failure> failures, boolean dryRun)
            throws StateException {
        return record(folder, stateKey, uidValidity, failures, dryRun, null);
    }

    /**
     * As above; {@code givenUpTo} names the folder the caller moves messages given up on to (null: they stay). A
     * message begone refused itself before asking the classifier (over its size limit) is then given up at once,
     * since no later run would do otherwise.
     */
    Outcome record(String folder, String stateKey, long uidValidity, List<Failure> failures, boolean dryRun,
            String givenUpTo) throws StateException {
        UidSet.Builder givenUp = UidSet.builder();
        int retried = 0;
        String fate = givenUpTo == null ? "the message stays where it is" : "moved to " + givenUpTo;
        for (Failure f : failures) {
            String what = f.size() + " bytes, " + session.classifier().name() + " failed: " + f.error().getMessage();
            if (dryRun) {
                session.listener().skipped(folder, f.uid(), what);
                retried++;
                continue;
            }
            if (givenUpTo != null && f.error().checkedLocally()) {
                givenUp.add(f.uid());
                session.listener().skipped(folder, f.uid(), what + " (" + fate + ")");
                continue;
            }
            int attempts = session.state().recordMessageFailure(session.account(),
                    new MessageFailure.Key(stateKey, uidValidity, f.uid()), f.fingerprint(), f.error().getMessage());
            if (attempts >= MAX_ATTEMPTS) {
                givenUp.add(f.uid());
                session.listener().skipped(folder, f.uid(), what + " (attempt " + attempts + " of " + MAX_ATTEMPTS
                        + ": given up, " + fate + ")");
            } else {
                retried++;
                session.listener().skipped(folder, f.uid(), what + " (attempt " + attempts + " of " + MAX_ATTEMPTS
                        + ", tried again next run)");
            }
        }
        return new Outcome(givenUp.build(), retried);
    }
}
