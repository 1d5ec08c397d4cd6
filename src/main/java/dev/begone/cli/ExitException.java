package dev.begone.cli;

/** Ends a command with one clear line on stderr and the given exit code. */
final class ExitException extends RuntimeException {
    private final ExitCode exitCode;

    ExitException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    ExitException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    ExitCode exitCode() {
        return exitCode;
    }

    static ExitException badArguments(String message) {
        return new ExitException(ExitCode.BAD_ARGUMENTS, message);
    }
}
