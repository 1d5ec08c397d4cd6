package dev.begone.classify.builtin;

import java.util.Arrays;

/**
 * Turns a raw message into the set of its hashed binary features: overlapping byte 4-grams of the first
 * {@code windowBytes} of the cleaned message (TREC 2007's winning representation), plus words and pairs of
 * neighbouring words of the first {@code textBytes} of its decoded text (see {@link DecodedText}).
 *
 * <p>Cleaning drops an mbox envelope line, carriage returns (so a message read over IMAP with CRLF looks like the
 * same message read from disk) and the headers other filters added: they are verdicts, not evidence, and a
 * filter that learns from them only learns to copy the previous filter.
 */
final class Features {
    /** Lower case, and each starting with x ({@link #isForeignHeader} relies on it). */
    private static final String[] FOREIGN_HEADER_PREFIXES = {"x-spam", "x-bogosity", "x-rspamd-", "x-dspam-"};
    private static final int GOLDEN = 0x9E3779B1;
    /** A feature every message has: its weight learns the prior. */
    private static final int BIAS_GRAM = 0x01020304;

    private final int hashBits;
    private final int shift;
    private final int windowBytes;
    private final int textBytes;
    private final int biasIndex;

    Features(int hashBits, int windowBytes, int textBytes) {
        this.textBytes = textBytes;
        this.hashBits = hashBits;
        this.shift = 32 - hashBits;
        this.windowBytes = windowBytes;
        this.biasIndex = (BIAS_GRAM * GOLDEN) >>> shift;
    }

    /** The index of the feature every message has. */
    int biasIndex() {
        return biasIndex;
    }

    int hashBits() {
        return hashBits;
    }

    int windowBytes() {
        return windowBytes;
    }

    int textBytes() {
        return textBytes;
    }

    /** Per-thread buffers, reused so that extracting a message allocates only its result. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(hashBits()));

    private static final class Scratch {
        byte[] window = new byte[0];
        byte[] text = new byte[0];
        int[] idx = new int[1024];
        /** One bit per feature index (128 KB for 2^20 features, so it stays in the L2 cache); all clear between calls. */
        final long[] seen;

        Scratch(int hashBits) {
            seen = new long[Math.max(1, (1 << hashBits) >>> 6)];
        }
    }

    int[] extract(byte[] message) {
        Scratch s = scratch.get();
        if (s.window.length != windowBytes) s.window = new byte[windowBytes];
        if (s.text.length != textBytes) s.text = new byte[textBytes];
        int len = clean(message, s.window);
        int textLen = DecodedText.decode(message, s.text);
        int room = Math.max(0, len - 3) + 1 + textLen;
        if (s.idx.length < room) s.idx = new int[room];
        int[] idx = s.idx;
        int c = 0;
        idx[c++] = biasIndex;
        byte[] window = s.window;
        int g = 0;
        for (int k = 0; k < len; k++) {
            g = (g << 8) | (window[k] & 0xff);
            if (k >= 3) idx[c++] = (g * GOLDEN) >>> shift;
        }
        c = tokens(s.text, textLen, idx, c);
        return distinct(s, c);
    }

    /**
     * The distinct values among the first {@code c} of {@code s.idx}, in first-seen order. A bit per feature
     * index instead of sorting (a third of the cost of learning a message) or a hash set: one load, one test, no
     * probing, and clearing touches only the words this message set; 2.7 us per message of the shared corpus
     * against 4.3 us for a hash set that needs no clearing.
     */
    private static int[] distinct(Scratch s, int c) {
        long[] seen = s.seen;
        int[] idx = s.idx;
        int u = 0;
        for (int k = 0; k < c; k++) {
            int v = idx[k];
            long bit = 1L << v;
            long word = seen[v >>> 6];
            if ((word & bit) == 0) {
                seen[v >>> 6] = word | bit;
                idx[u++] = v;
            }
        }
        int[] result = Arrays.copyOf(idx, u);
        for (int v : result) seen[v >>> 6] = 0;
        return result;
    }

    /**
     * Word features of the decoded text: each token (ASCII-lowercased) and each pair of neighbouring tokens, in a
     * hash space apart from the 4-grams. At most one pair per byte of text, so {@code idx} has room.
     */
    private int tokens(byte[] text, int len, int[] idx, int c) {
        int prev = 0;
        int k = 0;
        while (k < len) {
            while (k < len && TOKEN[text[k] & 0xff] == 0) k++;
            int start = k;
            int h = 0x811C9DC5;
            int b;
            while (k < len && (b = TOKEN[text[k] & 0xff]) != 0) {
                h = (h ^ b) * 0x01000193;
                k++;
            }
            int length = k - start;
            if (length < 2 || length > 30) continue;
            idx[c++] = ((h ^ 0x5bd1e995) * GOLDEN) >>> shift;
            if (prev != 0) idx[c++] = (((prev * 31) ^ h ^ 0x27d4eb2f) * GOLDEN) >>> shift;
            prev = h;
        }
        return c;
    }

    /** For each byte: 0 when it separates tokens, else the byte as it counts in a token (ASCII-lowercased). */
    private static final int[] TOKEN = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            boolean token = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b >= 0x80
                    || b == '$' || b == '!' || b == '\'' || b == '-';
            if (token) TOKEN[b] = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        }
    }

    /** Copies the cleaned start of {@code m} into {@code out}; returns the number of bytes written. */
    static int clean(byte[] m, byte[] out) {
        int n = m.length;
        int i = 0;
        if (startsWith(m, 0, "From ")) i = lineEnd(m, 0) + 1;
        int o = 0;
        boolean skipping = false;
        while (i < n && o < out.length) {
            int end = lineEnd(m, i);
            boolean blank = end == i || (end == i + 1 && m[i] == '\r');
            if (blank) {
                out[o++] = '\n';
                i = end + 1;
                break;
            }
            boolean continuation = m[i] == ' ' || m[i] == '\t';
            if (!continuation) skipping = isForeignHeader(m, i, end);
            if (!skipping) o = copy(m, i, Math.min(n, end + 1), out, o);
            i = end + 1;
        }
        if (i < n && o < out.length) o = copy(m, i, n, out, o);
        return o;
    }

    private static int copy(byte[] m, int from, int to, byte[] out, int o) {
        for (int k = from; k < to && o < out.length; k++) {
            byte b = m[k];
            if (b != '\r') out[o++] = b;
        }
        return o;
    }

    static int lineEnd(byte[] m, int from) {
        for (int k = from; k < m.length; k++) {
            if (m[k] == '\n') return k;
        }
        return m.length;
    }

    static boolean isForeignHeader(byte[] m, int from, int end) {
        if (from == end || (m[from] | 0x20) != 'x') return false; // every prefix starts with x; most headers do not
        for (String prefix : FOREIGN_HEADER_PREFIXES) {
            if (startsWithIgnoreCase(m, from, end, prefix)) return true;
        }
        return false;
    }

    static boolean startsWith(byte[] m, int from, String s) {
        if (m.length - from < s.length()) return false;
        for (int k = 0; k < s.length(); k++) {
            if (m[from + k] != s.charAt(k)) return false;
        }
        return true;
    }

    static boolean startsWithIgnoreCase(byte[] m, int from, int end, String lower) {
        if (end - from < lower.length()) return false;
        for (int k = 0; k < lower.length(); k++) {
            int b = m[from + k];
            if (b >= 'A' && b <= 'Z') b += 'a' - 'A';
            if (b != lower.charAt(k)) return false;
        }
        return true;
    }
}
