package dev.begone.rules;

/** The fate a policy assigns to one scanned message. */
public enum Disposition {
    /** Not spam: left where it is. */
    HAM,
    /** The classifier would not decide: left where it is, and not counted as spam. */
    UNSURE,
    /** Spam: copied (or appended with its report) to the spam folder, then flagged or deleted as configured. */
    FILE_SPAM,
    /** Spam scoring above the delete threshold: deleted without being filed. */
    DELETE_SPAM
}
