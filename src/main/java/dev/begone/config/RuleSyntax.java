package dev.begone.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * 004_'s rule line, {@code Header[,Header]:pattern:folder|DROP}. The pattern runs from the first colon to the last,
 * so it may hold colons itself; white space around those two colons is dropped.
 */
final class RuleSyntax {
    /** RFC 5322 field names: printable ASCII but the colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    /** What is wrong, and the 0-based offset in the line where it is. */
    static final class Problem extends IllegalArgumentException {
        final int offset;

        Problem(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    private RuleSyntax() {}

    static RoutingRule parse(String line, String origin) {
        int first = line.indexOf(':');
        int last = line.lastIndexOf(':');
        if (first < 0 || first == last) throw new Problem(0, "expected Header[,Header]:pattern:folder|DROP, got '" + line + "'");
        List<String> headers = new ArrayList<>();
        int at = 0;
        for (String h : line.substring(0, first).split(",", -1)) {
            String name = h.strip();
            if (!FIELD_NAME.matcher(name).matches()) {
                throw new Problem(at, "expected header names separated by commas before the first ':', got '" + h + "'");
            }
            headers.add(name);
            at += h.length() + 1;
        }
        String rawPattern = line.substring(first + 1, last);
        String pattern = rawPattern.strip();
        int patternAt = first + 1 + (rawPattern.length() - rawPattern.stripLeading().length());
        if (pattern.isEmpty()) throw new Problem(first + 1, "expected a pattern between the first and last ':' (. matches anything)");
        try {
            Pattern.compile(pattern, RoutingRule.PATTERN_FLAGS);
        } catch (PatternSyntaxException e) {
            int index = Math.max(0, Math.min(e.getIndex(), pattern.length()));
            throw new Problem(patternAt + index, "expected a valid regular expression, got '" + pattern + "' ("
                    + e.getDescription() + ")");
        }
        String target = line.substring(last + 1).strip();
        if (target.isEmpty()) throw new Problem(last + 1, "expected a folder or DROP after the last ':'");
        Destination d = target.equals("DROP") ? new Destination.Drop() : new Destination.Folder(target);
        return new RoutingRule(headers, pattern, d, origin);
    }
}
