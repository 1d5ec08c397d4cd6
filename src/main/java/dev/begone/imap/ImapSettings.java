package dev.begone.imap;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to connect.
 *
 * @param allowPlaintext with {@link TlsMode#STARTTLS}: go on without TLS when the server offers no STARTTLS
 * @param trustCa PEM file whose certificates are trusted besides the JVM's default trust store, or null for that store alone
 * @param insecure skip certificate and host name verification
 * @param timeout the deadline of every network wait: connecting, each read, and each write (a server that stops
 *     reading mid-APPEND is left at it)
 * @param trace when not null, receives the IMAP dialogue with login data left out
 * @param maxLiteralBytes the largest literal (a whole message) the server may announce; a bigger one, or a response
 *     line over {@link #MAX_LINE_BYTES}, ends the connection before the IMAP library buffers it
 */
public record ImapSettings(
        String host,
        int port,
        String user,
        Secret password,
        TlsMode tls,
        boolean allowPlaintext,
        Path trustCa,
        boolean insecure,
        Duration timeout,
        PrintStream trace,
        long maxLiteralBytes) {

    /** Literals up to 64 MiB: larger than any mail server accepts by default (Gmail 35 MB, Exchange 25-150 MB). */
    public static final long DEFAULT_MAX_LITERAL_BYTES = 64L * 1024 * 1024;
    /** The longest response line outside literals: a UID SEARCH answer of about two million UIDs. */
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    /**
     * How long an unused connection stays logged in for reuse: well under the 30 minutes of inactivity after which
     * RFC 3501 lets a server log a client out, so that a kept connection is seldom found dead.
     */
    public static final Duration KEPT_LOGGED_IN = Duration.ofMinutes(10);

    public ImapSettings {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        if (user == null || user.isEmpty()) throw new IllegalArgumentException("user is empty");
        if (password == null) throw new IllegalArgumentException("password is null");
        if (tls == null) throw new IllegalArgumentException("tls is null");
        if (allowPlaintext && tls != TlsMode.STARTTLS) {
            throw new IllegalArgumentException("allowPlaintext applies only to tls=STARTTLS");
        }
        if (trustCa != null && insecure) {
            throw new IllegalArgumentException("trustCa and insecure exclude each other");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxLiteralBytes < 1 || maxLiteralBytes > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("maxLiteralBytes must be between 1 and about 2 GiB, was " + maxLiteralBytes);
        }
    }

    /** Settings for this server and login with the defaults: JVM trust store, host name checked, 60 s deadline, no trace. */
    public static Builder builder(String host, int port, String user, Secret password, TlsMode tls) {
        return new Builder(host, port, user, password, tls);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(host, port, user, password, tls).allowPlaintext(allowPlaintext).trustCa(trustCa)
                .insecure(insecure).timeout(timeout).trace(trace).maxLiteralBytes(maxLiteralBytes);
    }

    /** Collects the optional settings; {@link #build()} checks them all at once. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final String user;
        private final Secret password;
        private final TlsMode tls;
        private boolean allowPlaintext;
        private Path trustCa;
        private boolean insecure;
        private Duration timeout = Duration.ofSeconds(60);
        private PrintStream trace;
        private long maxLiteralBytes = DEFAULT_MAX_LITERAL_BYTES;

        private Builder(String host, int port, String user, Secret password, TlsMode tls) {
            this.host = host;
            this.port = port;
            this.user = user;
            this.password = password;
            this.tls = tls;
        }

        public Builder allowPlaintext(boolean allow) {
            this.allowPlaintext = allow;
            return this;
        }

        /** @param pem null: the JVM's default trust store */
        public Builder trustCa(Path pem) {
            this.trustCa = pem;
            return this;
        }

        public Builder insecure(boolean skipVerification) {
            this.insecure = skipVerification;
            return this;
        }

        public Builder timeout(Duration deadline) {
            this.timeout = deadline;
            return this;
        }

        /** @param out null: no trace */
        public Builder trace(PrintStream out) {
            this.trace = out;
            return this;
        }

        public Builder maxLiteralBytes(long bytes) {
            this.maxLiteralBytes = bytes;
            return this;
        }

        public ImapSettings build() {
            return new ImapSettings(host, port, user, password, tls, allowPlaintext, trustCa, insecure, timeout, trace,
                    maxLiteralBytes);
        }
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + port;
    }
}
