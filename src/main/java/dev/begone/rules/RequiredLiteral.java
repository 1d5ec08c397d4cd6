package dev.begone.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Literals one of which every match of a routing pattern contains (one per top-level alternative), so that a rule
 * need only run on values that contain one: with a thousand rules, one pass of a {@link LiteralScanner} over a value
 * replaces a thousand regular-expression searches. Conservative: when an alternative holds anything this reader does
 * not fully understand (inline flags, quoting, escapes with arguments, nested classes) or nothing literal at all,
 * there are no literals and the rule always runs. Only ASCII is taken into a literal.
 *
 * <p>Case: patterns run with {@link dev.begone.config.RoutingRule#PATTERN_FLAGS}, under which Java compares
 * {@code toLowerCase(toUpperCase(c))} of both sides; {@link #fold} is that function, applied to literal and text alike.
 */
final class RequiredLiteral {
    /** Escaped letters that stand for one character class, anchor or control character and take no argument. */
    private static final String PLAIN_ESCAPES = "dDsSwWbBAzZGhHvVRXtnrfae";
    private static final Pattern BOUNDS = Pattern.compile("\\d+(,\\d*)?");

    private RequiredLiteral() {}

    /** Folded literals, one of which every match contains; empty when that cannot be shown. */
    static List<String> of(String pattern) {
        if (pattern.contains("\\Q") || pattern.contains("(?")) return List.of();
        List<String> literals = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= pattern.length(); i++) {
            char c = i < pattern.length() ? pattern.charAt(i) : '|';
            if (c == '\\') {
                i++;
            } else if (c == '[' || c == '(') {
                i = c == '[' ? classEnd(pattern, i) : groupEnd(pattern, i);
                if (i < 0) return List.of();
            } else if (c == '|') { // the end of a top-level alternative
                String literal = ofSequence(pattern.substring(from, i));
                if (literal.isEmpty()) return List.of();
                literals.add(literal);
                from = i + 1;
            }
        }
        return literals;
    }

    /** The longest literal run every match of an alternative contains, folded; empty when none can be shown. */
    private static String ofSequence(String pattern) {
        StringBuilder run = new StringBuilder();
        String best = "";
        int n = pattern.length();
        int i = 0;
        while (i < n) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) return "";
                    char e = pattern.charAt(i + 1);
                    if (e < 128 && Character.isLetterOrDigit(e)) {
                        if (PLAIN_ESCAPES.indexOf(e) < 0 || (e == 'b' && i + 2 < n && pattern.charAt(i + 2) == '{')) return "";
                        best = longer(best, run);
                    } else if (e >= ' ' && e < 127) {
                        run.append(fold(e));
                    } else {
                        best = longer(best, run);
                    }
                    i += 2;
                }
                case '[' -> {
                    int close = classEnd(pattern, i);
                    if (close < 0) return "";
                    best = longer(best, run);
                    i = close + 1;
                }
                case '(' -> {
                    int close = groupEnd(pattern, i);
                    if (close < 0) return "";
                    best = longer(best, run);
                    i = close + 1;
                }
                case '|', ')' -> {
                    return ""; // not within one alternative
                }
                case '*', '?' -> { // the last character is optional
                    if (!run.isEmpty()) run.setLength(run.length() - 1);
                    best = longer(best, run);
                    i = afterModifier(pattern, i + 1);
                }
                case '+' -> {
                    best = longer(best, run);
                    i = afterModifier(pattern, i + 1);
                }
                case '{' -> {
                    int close = pattern.indexOf('}', i);
                    if (close < 0) return "";
                    String bounds = pattern.substring(i + 1, close);
                    if (!BOUNDS.matcher(bounds).matches()) return "";
                    boolean optional = bounds.split(",", 2)[0].chars().allMatch(d -> d == '0'); // {0}, {0,n}: may be absent
                    if (optional && !run.isEmpty()) run.setLength(run.length() - 1);
                    best = longer(best, run);
                    i = afterModifier(pattern, close + 1);
                }
                case '.', '^', '$' -> {
                    best = longer(best, run);
                    i++;
                }
                default -> {
                    if (c >= ' ' && c < 127) run.append(fold(c));
                    else best = longer(best, run);
                    i++;
                }
            }
        }
        return longer(best, run);
    }

    /** Java's case-insensitive comparison key under {@code UNICODE_CASE}. */
    static char fold(char c) {
        if (c < 128) return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** Ends the current run: the longer of it and the best so far (the earlier on a tie). */
    private static String longer(String best, StringBuilder run) {
        String r = run.length() > best.length() ? run.toString() : best;
        run.setLength(0);
        return r;
    }

    /** Past a quantifier's lazy ({@code ?}) or possessive ({@code +}) mark, if any. */
    private static int afterModifier(String p, int i) {
        return i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+') ? i + 1 : i;
    }

    /** The index of the {@code ]} closing the class opened at {@code open}, or -1 for what is not read here. */
    private static int classEnd(String p, int open) {
        int j = open + 1;
        if (j < p.length() && p.charAt(j) == '^') j++;
        if (j < p.length() && p.charAt(j) == ']') return -1;
        for (; j < p.length(); j++) {
            char c = p.charAt(j);
            if (c == '\\') j++;
            else if (c == '[') return -1; // nested classes, unions and intersections
            else if (c == ']') return j;
        }
        return -1;
    }

    /** The index of the {@code )} closing the group opened at {@code open}, or -1. */
    private static int groupEnd(String p, int open) {
        int depth = 0;
        for (int j = open; j < p.length(); j++) {
            char c = p.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '[') {
                j = classEnd(p, j);
                if (j < 0) return -1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return j;
            }
        }
        return -1;
    }
}
