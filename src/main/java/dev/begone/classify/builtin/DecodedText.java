package dev.begone.classify.builtin;

/**
 * The readable text of a message: its headers (other filters' headers dropped) and its bodies with base64 and
 * quoted-printable undone, so spam that hides its words in an encoding still shows them. A lenient line-based
 * walk, not a MIME parser: a line starting with {@code --} followed by header lines opens a new part. Nothing in
 * here throws on malformed input; bad base64 characters are skipped, bad escapes are copied.
 */
final class DecodedText {
    private enum Encoding { IDENTITY, BASE64, QUOTED_PRINTABLE }

    private DecodedText() {}

    /** Writes at most {@code out.length} bytes of text; returns how many were written. */
    static int decode(byte[] m, byte[] out) {
        int n = m.length;
        int i = 0;
        if (Features.startsWith(m, 0, "From ")) i = Features.lineEnd(m, 0) + 1;
        int[] o = {0};
        Encoding encoding = Encoding.IDENTITY;
        boolean inHeaders = true;
        boolean skipping = false;
        Encoding partEncoding = Encoding.IDENTITY;
        while (i < n && o[0] < out.length) {
            int end = Features.lineEnd(m, i);
            int contentEnd = end > i && m[end - 1] == '\r' ? end - 1 : end;
            if (inHeaders) {
                if (contentEnd == i) {
                    inHeaders = false;
                    encoding = partEncoding;
                    put(out, o, (byte) '\n');
                } else {
                    boolean continuation = m[i] == ' ' || m[i] == '\t';
                    if (!continuation) {
                        skipping = Features.isForeignHeader(m, i, contentEnd);
                        if (Features.startsWithIgnoreCase(m, i, contentEnd, "content-transfer-encoding:")) {
                            partEncoding = encodingOf(m, i + "content-transfer-encoding:".length(), contentEnd);
                        }
                    }
                    if (!skipping) copyLine(m, i, contentEnd, out, o);
                }
            } else if (contentEnd - i > 2 && m[i] == '-' && m[i + 1] == '-' && looksLikeHeader(m, end + 1)) {
                inHeaders = true;
                skipping = false;
                partEncoding = Encoding.IDENTITY;
            } else {
                switch (encoding) {
                    case BASE64 -> base64Line(m, i, contentEnd, out, o);
                    case QUOTED_PRINTABLE -> quotedPrintableLine(m, i, contentEnd, out, o);
                    case IDENTITY -> copyLine(m, i, contentEnd, out, o);
                }
            }
            i = end + 1;
        }
        return o[0];
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

    private static void put(byte[] out, int[] o, byte b) {
        if (o[0] < out.length) out[o[0]++] = b;
    }

    private static void copyLine(byte[] m, int from, int end, byte[] out, int[] o) {
        for (int k = from; k < end && o[0] < out.length; k++) out[o[0]++] = m[k];
        put(out, o, (byte) '\n');
    }

    private static void base64Line(byte[] m, int from, int end, byte[] out, int[] o) {
        int acc = 0;
        int bits = 0;
        for (int k = from; k < end && o[0] < out.length; k++) {
            int v = base64Value(m[k]);
            if (v < 0) continue;
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o[0]++] = (byte) (acc >>> bits);
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

    private static void quotedPrintableLine(byte[] m, int from, int end, byte[] out, int[] o) {
        for (int k = from; k < end && o[0] < out.length; k++) {
            byte b = m[k];
            if (b == '=' && k + 1 == end) return;
            if (b == '=' && k + 2 < end) {
                int hi = Character.digit(m[k + 1], 16);
                int lo = Character.digit(m[k + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out[o[0]++] = (byte) (hi << 4 | lo);
                    k += 2;
                    continue;
                }
            }
            out[o[0]++] = b;
        }
        put(out, o, (byte) '\n');
    }
}
