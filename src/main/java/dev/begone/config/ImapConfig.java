package dev.begone.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach and log in to one mailbox.
 *
 * @param ca PEM file whose certificates are trusted besides the system's, when given
 */
public record ImapConfig(String host, int port, Tls tls, Optional<Path> ca, String user, PasswordRef password) {

    /** How the connection is protected; {@link #PLAINTEXT} only when the file says so. */
    public enum Tls {
        /** TLS from the first byte (IMAPS, port 993). */
        IMPLICIT("implicit", 993),
        /** Plain IMAP upgraded with STARTTLS, which the server must offer (port 143). */
        STARTTLS("starttls", 143),
        /** No TLS required: STARTTLS is still used when the server offers it (port 143). */
        PLAINTEXT("plaintext", 143);

        private final String word;
        private final int defaultPort;

        Tls(String word, int defaultPort) {
            this.word = word;
            this.defaultPort = defaultPort;
        }

        /** As written in the file. */
        public String word() {
            return word;
        }

        public int defaultPort() {
            return defaultPort;
        }

        static Tls of(String word) {
            for (Tls t : values()) if (t.word.equals(word)) return t;
            throw new IllegalArgumentException("expected implicit, starttls or plaintext, got '" + word + "'");
        }
    }

    public ImapConfig {
        Address.checkHost(host);
        Address.checkPort(port);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(ca, "ca");
        if (user == null || user.isEmpty()) throw new IllegalArgumentException("user is empty");
        Objects.requireNonNull(password, "password");
        if (ca.isPresent() && tls == Tls.PLAINTEXT) throw new IllegalArgumentException("ca applies only with tls implicit or starttls");
    }

    public Address address() {
        return new Address(host, port);
    }
}
