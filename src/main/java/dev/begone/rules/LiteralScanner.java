package dev.begone.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * Finds which of many literals occur in a text in one pass (Aho-Corasick, as a complete automaton): the text is
 * folded as {@link RequiredLiteral#fold} folds, so a hit means the rule's own case-insensitive search may match.
 * Literals are ASCII; every other character leads back to the start. Immutable.
 */
final class LiteralScanner {
    private final byte[] classOf = new byte[128]; // character (either case) -> its column; 0: in no literal
    private final int width; // columns: one per character that occurs in a literal, plus column 0
    private final int[] next; // state * width + column -> state
    private final int[][] hits; // state -> ids of the literals that end there (through the failure links too)

    /** @param literals folded, non-empty, ASCII; {@code ids[k]} is reported when {@code literals.get(k)} occurs */
    LiteralScanner(List<String> literals, int[] ids) {
        int columns = 1;
        for (String l : literals) {
            for (char c : l.toCharArray()) {
                if (c >= 128 || c != RequiredLiteral.fold(c)) throw new IllegalArgumentException("not a folded ASCII literal: " + l);
                if (classOf[c] == 0) classOf[c] = (byte) columns++; // at most the 102 ASCII characters that fold to themselves
            }
        }
        for (char c = 'A'; c <= 'Z'; c++) classOf[c] = classOf[RequiredLiteral.fold(c)];
        width = columns;

        // The trie: children[state][column], -1 where there is none yet.
        List<int[]> children = new ArrayList<>();
        List<int[]> own = new ArrayList<>();
        children.add(newRow());
        own.add(null);
        for (int k = 0; k < literals.size(); k++) {
            int s = 0;
            for (char c : literals.get(k).toCharArray()) {
                int col = classOf[c];
                if (children.get(s)[col] < 0) {
                    children.get(s)[col] = children.size();
                    children.add(newRow());
                    own.add(null);
                }
                s = children.get(s)[col];
            }
            own.set(s, append(own.get(s), ids[k]));
        }

        // Breadth first: each state's failure link is shallower, so its transitions are complete when needed.
        int states = children.size();
        next = new int[states * width];
        hits = new int[states][];
        int[] fail = new int[states];
        Deque<Integer> queue = new ArrayDeque<>();
        hits[0] = own.get(0);
        for (int col = 0; col < width; col++) {
            int child = children.get(0)[col];
            next[col] = Math.max(child, 0);
            if (child > 0) {
                fail[child] = 0;
                hits[child] = own.get(child);
                queue.add(child);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int col = 0; col < width; col++) {
                int child = children.get(s)[col];
                if (child < 0) {
                    next[s * width + col] = next[fail[s] * width + col];
                } else {
                    next[s * width + col] = child;
                    fail[child] = next[fail[s] * width + col];
                    hits[child] = union(own.get(child), hits[fail[child]]);
                    queue.add(child);
                }
            }
        }
    }

    /** Sets in {@code found} the id of every literal that occurs in {@code text}. */
    void scan(String text, BitSet found) {
        int s = 0;
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c >= 128) c = RequiredLiteral.fold(c);
            s = step(s, c < 128 ? classOf[c] : 0, found);
        }
    }

    /**
     * As {@link #scan(String, BitSet)} over ASCII text in {@code bytes[from, to)}, line breaks skipped (so a folded
     * header value reads as unfolded). Returns false, having found only part, at a byte the text would not hold as
     * is: 8-bit, or the start of an encoded-word ({@code =?}).
     */
    boolean scanPlain(byte[] bytes, int from, int to, BitSet found) {
        int s = 0;
        for (int k = from; k < to; k++) {
            byte c = bytes[k];
            if (c < 0 || (c == '=' && k + 1 < to && bytes[k + 1] == '?')) return false;
            if (c != '\r' && c != '\n') s = step(s, classOf[c], found);
        }
        return true;
    }

    private int step(int state, int column, BitSet found) {
        int s = next[state * width + column];
        int[] h = hits[s];
        if (h != null) for (int id : h) found.set(id);
        return s;
    }

    private int[] newRow() {
        int[] row = new int[width];
        Arrays.fill(row, -1);
        return row;
    }

    private static int[] append(int[] a, int id) {
        if (a == null) return new int[] {id};
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = id;
        return b;
    }

    private static int[] union(int[] a, int[] b) {
        if (a == null) return b;
        if (b == null) return a;
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
