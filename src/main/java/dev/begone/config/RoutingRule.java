package dev.begone.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One routing rule, {@code Header[,Header]:pattern:folder|DROP}: a message any of whose named headers matches
 * the pattern (a regular expression, found anywhere in the value, ignoring case) goes to the target.
 *
 * @param origin where the rule was written, {@code file:line}, for the journal's "why"
 */
public record RoutingRule(List<String> headers, String pattern, Destination target, String origin) {
    /** How a pattern is compiled, both to validate it here and to match it in the rules engine: ignoring case, in every script. */
    public static final int PATTERN_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    public RoutingRule {
        headers = List.copyOf(headers);
        if (headers.isEmpty()) throw new IllegalArgumentException("headers is empty");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(target, "target");
        if (target instanceof Destination.Delete) throw new IllegalArgumentException("a routing rule drops, never deletes");
        Objects.requireNonNull(origin, "origin");
    }

    /** In the rule syntax, as it could be written back. */
    @Override
    public String toString() {
        return String.join(",", headers) + ":" + pattern + ":" + (target instanceof Destination.Drop ? "DROP" : target);
    }
}
