package dev.begone.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random regular expressions of the kinds users write in routing rules (literals, classes, groups,
 * alternation, quantifiers, anchors, escapes, non-ASCII letters), each with a way to draw texts it matches, the
 * letters in random case (and in the Unicode letters Java folds onto ASCII ones: Kelvin sign, long s, dotted I).
 */
final class RandomPatterns {
    /** Characters that stand for themselves in a pattern when escaped, and a few that need no escape. */
    private static final String PLAIN = "abcdeiklsxyz0189 -_@:/<>#=,'\"";
    private static final String SPECIAL = ".[](){}*+?|^$\\";
    private static final String NON_ASCII = "éßÄ";

    private RandomPatterns() {}

    /** A pattern and a sampler of texts it matches. */
    record Generated(String pattern, Node node, boolean anchoredStart, boolean anchoredEnd) {
        /** A text the pattern finds a match in: noise, a sample of the pattern, noise (none beside an anchor). */
        String text(Random r) {
            StringBuilder b = new StringBuilder();
            if (!anchoredStart) b.append(noise(r));
            node.sample(r, b);
            if (!anchoredEnd) b.append(noise(r));
            return b.toString();
        }
    }

    interface Node {
        void regex(StringBuilder b);

        void sample(Random r, StringBuilder b);
    }

    static Generated generate(Random r) {
        boolean start = r.nextInt(5) == 0;
        boolean end = r.nextInt(6) == 0;
        Node body = r.nextInt(8) == 0 ? alternation(r, 0) : sequence(r, 0);
        StringBuilder p = new StringBuilder();
        if (start) p.append('^');
        body.regex(p);
        if (end) p.append('$');
        return new Generated(p.toString(), body, start, end);
    }

    /** A word from a small alphabet, so that literals overlap and nest. */
    static String word(Random r, int length) {
        String alphabet = "abc-.";
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < length; k++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }

    static String noise(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(12);
        for (int k = 0; k < n; k++) {
            String from = PLAIN + SPECIAL + NON_ASCII + "KſİABCXYZ";
            b.append(from.charAt(r.nextInt(from.length())));
        }
        return b.toString();
    }

    private static Node sequence(Random r, int depth) {
        List<Node> items = new ArrayList<>();
        int n = 1 + r.nextInt(7);
        for (int k = 0; k < n; k++) {
            Node a = atom(r, depth);
            // A group is at most optional: quantified groups nested in each other backtrack exponentially.
            items.add(a instanceof Group ? (r.nextInt(3) == 0 ? optional(a) : a) : maybeQuantified(r, a));
        }
        return new Node() {
            public void regex(StringBuilder b) {
                for (Node i : items) i.regex(b);
            }

            public void sample(Random rr, StringBuilder b) {
                for (Node i : items) i.sample(rr, b);
            }
        };
    }

    private static Node alternation(Random r, int depth) {
        List<Node> alternatives = new ArrayList<>();
        int n = 2 + r.nextInt(2);
        for (int k = 0; k < n; k++) alternatives.add(sequence(r, depth + 1));
        return new Node() {
            public void regex(StringBuilder b) {
                for (int k = 0; k < alternatives.size(); k++) {
                    if (k > 0) b.append('|');
                    alternatives.get(k).regex(b);
                }
            }

            public void sample(Random rr, StringBuilder b) {
                alternatives.get(rr.nextInt(alternatives.size())).sample(rr, b);
            }
        };
    }

    private static Node atom(Random r, int depth) {
        int kind = r.nextInt(depth < 2 ? 14 : 11);
        return switch (kind) {
            case 0 -> fixed(".", "x");
            case 1 -> fixed("\\d", String.valueOf(r.nextInt(10)));
            case 2 -> fixed("\\w", "q");
            case 3 -> fixed("\\s", " ");
            case 4 -> fixed("[a-f]", String.valueOf((char) ('a' + r.nextInt(6))));
            case 5 -> fixed("[^x]", "y");
            case 6 -> literal(NON_ASCII.charAt(r.nextInt(NON_ASCII.length())));
            case 7 -> literal(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
            case 11 -> group(r, depth, "(");
            case 12 -> group(r, depth, "(?:");
            case 13 -> group(r, depth, "(");
            default -> literal(PLAIN.charAt(r.nextInt(PLAIN.length())));
        };
    }

    private static Node group(Random r, int depth, String open) {
        return new Group(open, r.nextBoolean() ? alternation(r, depth + 1) : sequence(r, depth + 1));
    }

    private record Group(String open, Node inner) implements Node {
        public void regex(StringBuilder b) {
            b.append(open);
            inner.regex(b);
            b.append(')');
        }

        public void sample(Random rr, StringBuilder b) {
            inner.sample(rr, b);
        }
    }

    private static Node optional(Node group) {
        return new Node() {
            public void regex(StringBuilder b) {
                group.regex(b);
                b.append('?');
            }

            public void sample(Random rr, StringBuilder b) {
                if (rr.nextBoolean()) group.sample(rr, b);
            }
        };
    }

    private static Node maybeQuantified(Random r, Node atom) {
        int q = r.nextInt(10);
        if (q >= 5) return atom;
        int min = switch (q) {
            case 0, 3 -> 0; // * or {0,2}
            case 1 -> 1; // +
            case 2 -> 0; // ?
            default -> 2; // {2,3}
        };
        int max = switch (q) {
            case 0, 1 -> 3;
            case 2 -> 1;
            case 3 -> 2;
            default -> 3;
        };
        String quantifier = switch (q) {
            case 0 -> "*";
            case 1 -> "+";
            case 2 -> "?";
            case 3 -> "{0,2}";
            default -> "{2,3}";
        } + (r.nextInt(4) == 0 ? "?" : "");
        return new Node() {
            public void regex(StringBuilder b) {
                atom.regex(b);
                b.append(quantifier);
            }

            public void sample(Random rr, StringBuilder b) {
                int n = min + rr.nextInt(max - min + 1);
                for (int k = 0; k < n; k++) atom.sample(rr, b);
            }
        };
    }

    private static Node fixed(String regex, String sample) {
        return new Node() {
            public void regex(StringBuilder b) {
                b.append(regex);
            }

            public void sample(Random rr, StringBuilder b) {
                b.append(sample);
            }
        };
    }

    private static Node literal(char c) {
        return new Node() {
            public void regex(StringBuilder b) {
                if (SPECIAL.indexOf(c) >= 0) b.append('\\');
                b.append(c);
            }

            public void sample(Random rr, StringBuilder b) {
                b.append(caseVariant(rr, c));
            }
        };
    }

    /** The character as a case-insensitive match may meet it. */
    private static char caseVariant(Random r, char c) {
        return switch (r.nextInt(4)) {
            case 0 -> Character.toUpperCase(c);
            case 1 -> c == 'k' ? '\u212A' : c == 's' ? '\u017F' : c == 'i' ? '\u0130' : c;
            default -> c;
        };
    }
}
