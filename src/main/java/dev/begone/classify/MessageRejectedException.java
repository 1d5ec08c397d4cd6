package dev.begone.classify;

/**
 * The classifier could not score or learn this one message, while others still go through: spamd's child timed
 * out on it, Rspamd refused it, sa-learn skipped it, or it is over the backend's size limit. The run skips the
 * message and tries it again on later runs; a plain {@link ClassifierException} instead means the classifier
 * itself is unreachable or misconfigured, and stops the run.
 */
public final class MessageRejectedException extends ClassifierException {
    private final boolean checkedLocally;

    private MessageRejectedException(String message, boolean checkedLocally) {
        super(message);
        this.checkedLocally = checkedLocally;
    }

    /** The classifier was asked and failed on this message; its own error text is {@code message}. */
    public static MessageRejectedException byClassifier(String message) {
        return new MessageRejectedException(message, false);
    }

    /** Refused before asking the classifier, e.g. over its size limit: says nothing about the classifier's health. */
    public static MessageRejectedException beforeSending(String message) {
        return new MessageRejectedException(message, true);
    }

    /** True when the classifier was never asked, so the failure is no sign that the classifier is broken. */
    public boolean checkedLocally() {
        return checkedLocally;
    }
}
