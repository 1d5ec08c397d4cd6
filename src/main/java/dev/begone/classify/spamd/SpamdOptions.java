package dev.begone.classify.spamd;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where spamd listens and how hard to use it.
 *
 * @param host            host name or IP literal (IPv6 without brackets)
 * @param port            TCP port, 1..65535
 * @param connectTimeout  how long to wait for the TCP connection
 * @param writeTimeout    how long sending one request may take; a spamd that stops reading is left at this deadline
 * @param readTimeout     how long spamd may take to answer once the request is sent (it answers only after scanning)
 * @param maxConcurrent   at most this many requests in flight (one connection each)
 * @param user            sent as spamd's {@code User:} header, or null to send none
 * @param maxMessageBytes messages larger than this are not sent, as spamc's {@code -s} does: unscored when
 *                        scanned, refused when learned
 */
public record SpamdOptions(String host, int port, Duration connectTimeout, Duration writeTimeout, Duration readTimeout,
                           int maxConcurrent, String user, int maxMessageBytes) {
    public static final int DEFAULT_PORT = 783;
    /** spamc's default {@code --max-size}, 500 * 1024 bytes (spamc 4.0.1 scores 512000 bytes, passes 512001 through). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 500 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Sending 500 KB takes well under a second even on a slow link; 30 s only ends a peer that stopped reading. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** spamc's default {@code -t}: 600 s, long enough for a slow scan of a large message. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(600);
    public static final int DEFAULT_MAX_CONCURRENT = 2;

    private static final Pattern USER = Pattern.compile("[-A-Za-z0-9_.@+]+");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.%a-zA-Z]+)](?::(\\d{1,5}))?");
    private static final Pattern PLAIN = Pattern.compile("([^:\\[\\]\\s]+)(?::(\\d{1,5}))?");

    public SpamdOptions {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) throw new IllegalArgumentException("host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(writeTimeout, "writeTimeout");
        requirePositive(readTimeout, "readTimeout");
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        if (user != null && !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("user '" + user + "' is not a plain user name ([-A-Za-z0-9_.@+]+)");
        }
        if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and ~24 days, was " + d);
        }
    }

    /** Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]}; everything else takes its default. */
    public static SpamdOptions parse(String hostPort) {
        Objects.requireNonNull(hostPort, "hostPort");
        String s = hostPort.strip();
        Matcher m = BRACKETED.matcher(s);
        if (!m.matches()) {
            m = PLAIN.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("spamd address '" + hostPort
                        + "' is not HOST[:PORT] (write IPv6 addresses as [::1]:783)");
            }
        }
        int port = m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2));
        return new SpamdOptions(m.group(1), port, DEFAULT_CONNECT_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_READ_TIMEOUT,
                DEFAULT_MAX_CONCURRENT, null, DEFAULT_MAX_MESSAGE_BYTES);
    }

    public SpamdOptions withTimeouts(Duration connect, Duration read) {
        return new SpamdOptions(host, port, connect, writeTimeout, read, maxConcurrent, user, maxMessageBytes);
    }

    public SpamdOptions withWriteTimeout(Duration write) {
        return new SpamdOptions(host, port, connectTimeout, write, readTimeout, maxConcurrent, user, maxMessageBytes);
    }

    public SpamdOptions withMaxConcurrent(int n) {
        return new SpamdOptions(host, port, connectTimeout, writeTimeout, readTimeout, n, user, maxMessageBytes);
    }

    public SpamdOptions withUser(String u) {
        return new SpamdOptions(host, port, connectTimeout, writeTimeout, readTimeout, maxConcurrent, u, maxMessageBytes);
    }

    public SpamdOptions withMaxMessageBytes(int n) {
        return new SpamdOptions(host, port, connectTimeout, writeTimeout, readTimeout, maxConcurrent, user, n);
    }

    /** {@code host:port}, with IPv6 literals bracketed, as used in messages. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
