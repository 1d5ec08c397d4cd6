package dev.begone.cli;

/** isbg's exit codes, kept so that scripts written for isbg read begone's the same way. */
public enum ExitCode {
    OK(0),
    /** With --exitcodes: new messages, none of them spam. */
    NEW_HAM(1),
    /** With --exitcodes: new messages, all of them spam. */
    NEW_SPAM(2),
    /** With --exitcodes: new messages, some spam and some not. */
    NEW_MIXED(3),
    BAD_ARGUMENTS(10),
    IMAP_ERROR(11),
    CLASSIFIER_ERROR(12),
    NO_TERMINAL(20),
    LOCKED(30),
    /** A bug: an unexpected exception, printed with its stack trace (sysexits' EX_SOFTWARE). */
    INTERNAL_ERROR(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
