package dev.begone.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The addr-specs of an RFC 5322 address list ({@code From}, {@code To}, {@code Cc}, {@code Delivered-To}...), lower-cased:
 * display names, comments and quoted strings skipped, {@code <angle addresses>} preferred, groups
 * ({@code team: a@x, b@x;}) opened, source routes ({@code <@relay:user@host>}) dropped. Read from the undecoded
 * value, so that an encoded-word in a display name can never forge an address. Never throws; what is not an address
 * is left out.
 */
final class Addresses {
    private Addresses() {}

    static List<String> parse(String value) {
        List<String> out = new ArrayList<>(2);
        StringBuilder bare = new StringBuilder(); // the item's text outside quotes, comments and angle brackets
        String angle = null;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> i = skipQuoted(value, i);
                case '(' -> i = skipComment(value, i);
                case '<' -> {
                    int close = value.indexOf('>', i + 1);
                    if (close < 0) close = n;
                    if (angle == null) angle = value.substring(i + 1, close);
                    i = close;
                }
                case ':' -> bare.setLength(0); // a group's display name, or junk before an address
                case ',', ';' -> {
                    add(out, angle != null ? angle : bare.toString());
                    bare.setLength(0);
                    angle = null;
                }
                default -> bare.append(c);
            }
        }
        add(out, angle != null ? angle : bare.toString());
        return out;
    }

    private static void add(List<String> out, String item) {
        String a = item.strip();
        int route = a.lastIndexOf(':');
        if (a.startsWith("@") && route > 0) a = a.substring(route + 1).strip();
        if (a.isEmpty() || a.chars().anyMatch(Character::isWhitespace)) return; // a bare display name: no address
        out.add(a.toLowerCase(Locale.ROOT));
    }

    /** The index of the closing quote (or the end); backslash escapes the next character. */
    private static int skipQuoted(String v, int open) {
        for (int i = open + 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') return i;
        }
        return v.length();
    }

    /** The index of the parenthesis closing a comment, which may nest (or the end). */
    private static int skipComment(String v, int open) {
        int depth = 0;
        for (int i = open; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') i++;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return v.length();
    }
}
