package dev.begone.classify.rspamd;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where Rspamd listens and how to use it.
 *
 * @param scanner        the normal worker, which scores ({@code POST /checkv2}); Rspamd's default port is 11333
 * @param controller     the controller worker, which learns ({@code POST /learnspam}, {@code /learnham}) and tells
 *                       the action thresholds ({@code GET /actions}); default port 11334
 * @param password       the controller's password ({@code enable_password} guards learning), or null to send none:
 *                       a stock Rspamd trusts loopback clients without one
 * @param spamThreshold  the score from which a message counts as spam, or null to ask the controller for the lowest
 *                       threshold of a spam action (add header, rewrite subject, reject)
 * @param timeout        the deadline of a whole request: connecting, sending the message and reading the answer
 * @param maxConcurrent  at most this many requests in flight
 * @param maxMessageBytes messages larger than this are not sent (Rspamd's own {@code max_message}, 50 MB by default,
 *                       would refuse them): unscored when scanned, refused when learned
 */
public record RspamdOptions(URI scanner, URI controller, String password, Double spamThreshold, Duration timeout,
                            int maxConcurrent, int maxMessageBytes) {
    public static final URI DEFAULT_SCANNER = URI.create("http://127.0.0.1:11333");
    public static final URI DEFAULT_CONTROLLER = URI.create("http://127.0.0.1:11334");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Rspamd's default {@code max_message}. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

    public RspamdOptions {
        scanner = requireHttp(scanner, "scanner");
        controller = requireHttp(controller, "controller");
        if (spamThreshold != null && !Double.isFinite(spamThreshold)) {
            throw new IllegalArgumentException("spam threshold must be a finite number, was " + spamThreshold);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
    }

    /** The default addresses, no password, thresholds from the controller. */
    public static RspamdOptions defaults() {
        return new RspamdOptions(DEFAULT_SCANNER, DEFAULT_CONTROLLER, null, null, DEFAULT_TIMEOUT, 4, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Parses an address given by a user: {@code http(s)://host:port}, or a bare {@code host:port}. */
    public static URI parseAddress(String text) {
        Objects.requireNonNull(text, "address");
        String s = text.strip();
        URI uri;
        try {
            uri = URI.create(s.contains("://") ? s : "http://" + s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address like http://127.0.0.1:11333");
        }
        return requireHttp(uri, "'" + text + "'");
    }

    private static URI requireHttp(URI uri, String what) {
        Objects.requireNonNull(uri, what);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " is not an http:// or https:// address with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(what + " must not carry a query or fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        // Endpoints are appended to the path, so a proxy prefix like https://host/rspamd works; drop a trailing /.
        return URI.create(scheme + "://" + uri.getRawAuthority() + path.replaceAll("/+$", ""));
    }

    public RspamdOptions withScanner(URI u) {
        return new RspamdOptions(u, controller, password, spamThreshold, timeout, maxConcurrent, maxMessageBytes);
    }

    public RspamdOptions withController(URI u) {
        return new RspamdOptions(scanner, u, password, spamThreshold, timeout, maxConcurrent, maxMessageBytes);
    }

    public RspamdOptions withPassword(String p) {
        return new RspamdOptions(scanner, controller, p, spamThreshold, timeout, maxConcurrent, maxMessageBytes);
    }

    public RspamdOptions withSpamThreshold(Double t) {
        return new RspamdOptions(scanner, controller, password, t, timeout, maxConcurrent, maxMessageBytes);
    }

    public RspamdOptions withTimeout(Duration t) {
        return new RspamdOptions(scanner, controller, password, spamThreshold, t, maxConcurrent, maxMessageBytes);
    }

    public RspamdOptions withMaxConcurrent(int n) {
        return new RspamdOptions(scanner, controller, password, spamThreshold, timeout, n, maxMessageBytes);
    }

    public RspamdOptions withMaxMessageBytes(int n) {
        return new RspamdOptions(scanner, controller, password, spamThreshold, timeout, maxConcurrent, n);
    }

    /** Never shows the password, so options can be logged. */
    @Override
    public String toString() {
        return "RspamdOptions[scanner=" + scanner + ", controller=" + controller + ", password="
                + (password == null ? "none" : "***") + ", spamThreshold=" + spamThreshold + ", timeout=" + timeout
                + ", maxConcurrent=" + maxConcurrent + ", maxMessageBytes=" + maxMessageBytes + "]";
    }
}
