package dev.begone.classify.builtin;

/**
 * The readable text of a message: its headers (other filters' headers dropped) and its bodies with base64 and
 * quoted-printable undone, so spam that hides its words in an encoding still shows them, and without what HTML
 * style, script and comment elements hold. A lenient line-based walk, not a MIME parser: a line starting with
 * {@code --} followed by header lines opens a new part. Nothing in here throws on malformed input; bad base64
 * characters are skipped, bad escapes are copied.
 */
final class DecodedText {
    private enum Encoding { IDENTITY, BASE64, QUOTED_PRINTABLE }

    private DecodedText() {}

    /** Writes at most {@code out.length} bytes of text; returns how many were written. */
    static int decode(byte[] m, byte[] out) {
        int n = m.length;
        int i = 0;
        if (Features.startsWith(m, 0, "From ")) i = Features.lineEnd(m, 0) + 1;
        Sink o = new Sink(out);
        Encoding encoding = Encoding.IDENTITY;
        boolean inHeaders = true;
        boolean skipping = false;
        Encoding partEncoding = Encoding.IDENTITY;
        while (i < n && !o.full()) {
            int end = Features.lineEnd(m, i);
            int contentEnd = end > i && m[end - 1] == '\r' ? end - 1 : end;
            if (inHeaders) {
                if (contentEnd == i) {
                    inHeaders = false;
                    encoding = partEncoding;
                    o.body = true;
                    o.put((byte) '\n');
                } else {
                    boolean continuation = m[i] == ' ' || m[i] == '\t';
                    if (!continuation) {
                        skipping = Features.isForeignHeader(m, i, contentEnd);
                        if (Features.startsWithIgnoreCase(m, i, contentEnd, "content-transfer-encoding:")) {
                            partEncoding = encodingOf(m, i + "content-transfer-encoding:".length(), contentEnd);
                        }
                    }
                    if (!skipping) copyLine(m, i, contentEnd, o);
                }
            } else if (contentEnd - i > 2 && m[i] == '-' && m[i + 1] == '-' && looksLikeHeader(m, end + 1)) {
                inHeaders = true;
                o.headers();
                skipping = false;
                partEncoding = Encoding.IDENTITY;
            } else {
                switch (encoding) {
                    case BASE64 -> base64Line(m, i, contentEnd, o);
                    case QUOTED_PRINTABLE -> quotedPrintableLine(m, i, contentEnd, o);
                    case IDENTITY -> copyLine(m, i, contentEnd, o);
                }
            }
            i = end + 1;
        }
        return o.n;
    }

    /**
     * Where the decoded text goes. In a body it leaves out what lies inside HTML style and script elements (their
     * opening tag stays, as a word) and comments. HTML mail spent the text budget on its style sheet before its
     * first word: the online mean 1-ROCA% over the date order and five shuffles went from 0.095 to 0.079, and a
     * spam posted to a mailing list whose HTML starts with a long style sheet, scored as surely ham as any (log-odds
     * -11 to -14), came up to -6 to -9. Skipping comments also joins the halves of a word split by an empty comment.
     */
    private static final class Sink {
        private static final Marker STYLE = new Marker("<style"), SCRIPT = new Marker("<script"),
                COMMENT = new Marker("<!--");
        private static final Marker STYLE_END = new Marker("</style"), SCRIPT_END = new Marker("</script"),
                COMMENT_END = new Marker("-->");

        /** Up to 8 ASCII bytes, matched against the lower-cased last bytes seen. */
        private record Marker(long bytes, long mask) {
            Marker(String s) {
                this(s.chars().asLongStream().reduce(0, (v, c) -> v << 8 | c), s.length() == 8 ? -1L : (1L << 8 * s.length()) - 1);
            }

            boolean endOf(long tail) {
                return (tail & mask) == bytes;
            }
        }

        final byte[] out;
        int n;
        /** False in headers, which are copied as they are. */
        boolean body;
        /** The end of the element being left out, or null while copying. */
        Marker skipUntil;
        /** The last 8 bytes seen, lower-cased, the newest in the lowest byte. */
        long tail;

        Sink(byte[] out) {
            this.out = out;
        }

        boolean full() {
            return n >= out.length;
        }

        /**
         * Puts the bytes from {@code from} to {@code end} as {@link #put} would, in one copy when that is the same:
         * in headers, and in a body line with no {@code <} outside an element being left out. The line's newline
         * follows, so the bytes before it can end no marker after it. Copying byte by byte was a third of the cost
         * of extracting a message's features.
         */
        void putLine(byte[] m, int from, int end) {
            if (!body || (skipUntil == null && !contains(m, from, end, (byte) '<'))) {
                int length = Math.min(end - from, out.length - n);
                System.arraycopy(m, from, out, n, length);
                n += length;
            } else {
                for (int k = from; k < end && !full(); k++) put(m[k]);
            }
        }

        private static boolean contains(byte[] m, int from, int end, byte b) {
            for (int k = from; k < end; k++) {
                if (m[k] == b) return true;
            }
            return false;
        }

        /** Leaves the body of a part: the next lines are the headers of another. */
        void headers() {
            body = false;
            skipUntil = null;
        }

        void put(byte b) {
            if (!body) {
                if (n < out.length) out[n++] = b;
                return;
            }
            tail = tail << 8 | (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff);
            if (skipUntil != null) {
                if (skipUntil.endOf(tail)) skipUntil = null;
                return;
            }
            if (n < out.length) out[n++] = b;
            if (STYLE.endOf(tail)) skipUntil = STYLE_END;
            else if (SCRIPT.endOf(tail)) skipUntil = SCRIPT_END;
            else if (COMMENT.endOf(tail)) {
                skipUntil = COMMENT_END;
                n = Math.max(0, n - 4); // its opening too, so that a word split by a comment is whole again
            }
        }
    }

    private static boolean looksLikeHeader(byte[] m, int from) {
        for (int k = from; k < m.length && k < from + 80; k++) {
            byte b = m[k];
            if (b == ':') return k > from;
            if (!(b == '-' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))) return false;
        }
        return false;
    }

    private static Encoding encodingOf(byte[] m, int from, int end) {
        int k = from;
        while (k < end && (m[k] == ' ' || m[k] == '\t')) k++;
        if (Features.startsWithIgnoreCase(m, k, end, "base64")) return Encoding.BASE64;
        if (Features.startsWithIgnoreCase(m, k, end, "quoted-printable")) return Encoding.QUOTED_PRINTABLE;
        return Encoding.IDENTITY;
    }

    private static void copyLine(byte[] m, int from, int end, Sink o) {
        o.putLine(m, from, end);
        o.put((byte) '\n');
    }

    private static void base64Line(byte[] m, int from, int end, Sink o) {
        int acc = 0;
        int bits = 0;
        for (int k = from; k < end && !o.full(); k++) {
            int v = base64Value(m[k]);
            if (v < 0) continue;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                o.put((byte) (acc >>> bits));
            }
        }
    }

    private static int base64Value(byte b) {
        if (b >= 'A' && b <= 'Z') return b - 'A';
        if (b >= 'a' && b <= 'z') return b - 'a' + 26;
        if (b >= '0' && b <= '9') return b - '0' + 52;
        if (b == '+') return 62;
        if (b == '/') return 63;
        return -1;
    }

    private static void quotedPrintableLine(byte[] m, int from, int end, Sink o) {
        for (int k = from; k < end && !o.full(); k++) {
            byte b = m[k];
            if (b == '=' && k + 1 == end) return;
            if (b == '=' && k + 2 < end) {
                int hi = Character.digit(m[k + 1], 16);
                int lo = Character.digit(m[k + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    o.put((byte) (hi << 4 | lo));
                    k += 2;
                    continue;
                }
            }
            o.put(b);
        }
        o.put((byte) '\n');
    }
}
