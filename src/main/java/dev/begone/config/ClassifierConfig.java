package dev.begone.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Which classifier scores an account's mail, and where its servers are; the keys mirror the command-line options
 * ({@code --classifier}, {@code --spamd}, {@code --rspamd}..., {@code --jobs}).
 *
 * @param names  one classifier, or several fused by a logistic regression over their log-odds ({@code rspamd+builtin})
 * @param spamd  where spamd listens
 * @param jobs   messages scored or learned concurrently
 */
public record ClassifierConfig(List<String> names, Address spamd, Rspamd rspamd, int jobs) {
    public static final Set<String> KNOWN = Set.of("builtin", "spamd", "spamassassin", "rspamd");
    public static final ClassifierConfig DEFAULT = new ClassifierConfig(List.of("builtin"),
            new Address("127.0.0.1", 783), Rspamd.DEFAULT, 4);

    /**
     * Rspamd's two HTTP endpoints.
     *
     * @param url          the normal worker, which scores
     * @param controller   the controller, which learns and knows the action thresholds
     * @param passwordFile the controller's password on its first line, when it needs one
     * @param threshold    the score from which a message is spam; empty: Rspamd's own action thresholds
     */
    public record Rspamd(URI url, URI controller, Optional<Path> passwordFile, OptionalDouble threshold) {
        public static final Rspamd DEFAULT = new Rspamd(URI.create("http://127.0.0.1:11333"),
                URI.create("http://127.0.0.1:11334"), Optional.empty(), OptionalDouble.empty());

        public Rspamd {
            checkUrl(url);
            checkUrl(controller);
            Objects.requireNonNull(passwordFile, "passwordFile");
            Objects.requireNonNull(threshold, "threshold");
        }

        /** An absolute http or https URL with a host. */
        public static URI checkUrl(URI url) {
            Objects.requireNonNull(url, "url");
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("expected an http:// or https:// URL with a host, got '" + url + "'");
            }
            return url;
        }
    }

    public ClassifierConfig {
        names = List.copyOf(names);
        if (names.isEmpty()) throw new IllegalArgumentException("names is empty");
        for (String n : names) {
            if (!KNOWN.contains(n)) throw new IllegalArgumentException("unknown classifier '" + n + "'");
        }
        if (Set.copyOf(names).size() != names.size()) throw new IllegalArgumentException("a classifier is named twice: " + names);
        Objects.requireNonNull(spamd, "spamd");
        Objects.requireNonNull(rspamd, "rspamd");
        if (jobs < 1 || jobs > 256) throw new IllegalArgumentException("jobs must be from 1 to 256, was " + jobs);
    }

    /** As written in the file, {@code rspamd+builtin}. */
    public String name() {
        return String.join("+", names);
    }
}
