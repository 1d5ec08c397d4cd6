package dev.begone.imap;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to connect.
 *
 * @param allowPlaintext with {@link TlsMode#STARTTLS}: go on without TLS when the server offers no STARTTLS
 * @param trustCa PEM file whose certificates are the only trust anchors, or null for the JVM's default trust store
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

    public ImapSettings(String host, int port, String user, Secret password, TlsMode tls, boolean allowPlaintext,
            Path trustCa, boolean insecure, Duration timeout, PrintStream trace) {
        this(host, port, user, password, tls, allowPlaintext, trustCa, insecure, timeout, trace, DEFAULT_MAX_LITERAL_BYTES);
    }

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

    /** Defaults: STARTTLS required, JVM trust store, host name checked, 60 s timeout, no trace. */
    public static ImapSettings of(String host, int port, String user, Secret password, TlsMode tls) {
        return new ImapSettings(host, port, user, password, tls, false, null, false, Duration.ofSeconds(60), null);
    }

    public ImapSettings withTrustCa(Path pem) {
        return new ImapSettings(host, port, user, password, tls, allowPlaintext, pem, insecure, timeout, trace, maxLiteralBytes);
    }

    public ImapSettings withInsecure(boolean skipVerification) {
        return new ImapSettings(host, port, user, password, tls, allowPlaintext, trustCa, skipVerification, timeout, trace, maxLiteralBytes);
    }

    public ImapSettings withAllowPlaintext(boolean allow) {
        return new ImapSettings(host, port, user, password, tls, allow, trustCa, insecure, timeout, trace, maxLiteralBytes);
    }

    public ImapSettings withTimeout(Duration t) {
        return new ImapSettings(host, port, user, password, tls, allowPlaintext, trustCa, insecure, t, trace, maxLiteralBytes);
    }

    public ImapSettings withTrace(PrintStream out) {
        return new ImapSettings(host, port, user, password, tls, allowPlaintext, trustCa, insecure, timeout, out, maxLiteralBytes);
    }

    public ImapSettings withMaxLiteralBytes(long bytes) {
        return new ImapSettings(host, port, user, password, tls, allowPlaintext, trustCa, insecure, timeout, trace, bytes);
    }

    /** {@code host:port}, for messages. */
    public String address() {
        return host + ":" + port;
    }
}
