package dev.begone.imap;

/**
 * The server refused the user name or password: trying again soon will not help until someone changes one of them,
 * so a long-running caller backs off longer and says so once.
 */
public final class LoginFailedException extends MailStoreException {
    public LoginFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
