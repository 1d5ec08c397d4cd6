package dev.begone.config;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A host and a TCP port, as in {@code spamd: 127.0.0.1:783} or {@code listen: [::1]:9154}. */
public record Address(String host, int port) {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^\\]]*)]|([^:\\[\\]]*))(?::(\\d{1,5}))?");

    public Address {
        checkHost(host);
        checkPort(port);
    }

    /** Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]}; without a port, {@code defaultPort}. */
    public static Address parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        Matcher m = HOST_PORT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected HOST[:PORT] (IPv6 as [::1]:PORT), got '" + text + "'");
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        int port = m.group(3) == null ? defaultPort : Integer.parseInt(m.group(3));
        return new Address(host, port);
    }

    /**
     * Accepts a DNS name (letters, digits and hyphens in dot-separated labels), an IPv4 address or an IPv6 literal
     * without brackets, and explains what was expected otherwise.
     */
    public static String checkHost(String host) {
        String what = "expected a host name or IP address, got '" + host + "'";
        if (host == null || host.isEmpty() || host.length() > 253) throw new IllegalArgumentException(what);
        if (host.indexOf(':') >= 0) {
            if (!IPV6.matcher(host).matches()) throw new IllegalArgumentException(what);
            return host;
        }
        if (IPV4.matcher(host).matches()) {
            for (String part : host.split("\\.")) if (Integer.parseInt(part) > 255) throw new IllegalArgumentException(what);
            return host;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) throw new IllegalArgumentException(what);
        }
        return host;
    }

    public static int checkPort(int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("expected a port from 1 to 65535, got " + port);
        return port;
    }

    /** {@code host:port}, IPv6 literals in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
