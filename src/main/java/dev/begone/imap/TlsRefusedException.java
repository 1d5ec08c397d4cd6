package dev.begone.imap;

/**
 * The connection was not protected as the settings demand, so begone did not log in. {@link #remedy()} names the
 * setting that would let it go on; the caller words it in its own terms (a command-line option, a configuration key).
 */
public final class TlsRefusedException extends MailStoreException {
    private static final long serialVersionUID = 1L;

    /** The setting that would let the connection go on. */
    public enum Remedy {
        /** {@link ImapSettings#allowPlaintext()}: the server offers no STARTTLS. */
        ALLOW_PLAINTEXT,
        /** {@link ImapSettings#insecure()}: the certificate names another host. */
        SKIP_VERIFICATION,
        /** {@link ImapSettings#trustCa()}, or else {@link ImapSettings#insecure()}: the certificate is not trusted. */
        TRUST_CERTIFICATE
    }

    private final Remedy remedy;

    TlsRefusedException(String message, Remedy remedy, Throwable cause) {
        super(message, cause);
        this.remedy = remedy;
    }

    public Remedy remedy() {
        return remedy;
    }
}
