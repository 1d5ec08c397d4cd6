package dev.begone.rules;

import java.nio.charset.Charset;
import java.util.Arrays;

/** A growable byte buffer with the two transfer decodings, shared by the encoded-word decoder and the body key. */
final class Bytes {
    private byte[] buf;
    private int size;

    Bytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void add(int b) {
        if (size == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        buf[size++] = (byte) b;
    }

    void addAll(Bytes other) {
        for (int i = 0; i < other.size; i++) add(other.buf[i]);
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    String decode(Charset charset) {
        return new String(buf, 0, size, charset);
    }

    /** Appends the base64 digits in {@code src[from, to)}; anything else (padding, line breaks, junk) is skipped. */
    void addBase64(byte[] src, int from, int to) {
        int acc = 0;
        int bits = 0;
        for (int k = from; k < to; k++) {
            int d = base64Value(src[k]);
            if (d < 0) continue;
            acc = (acc << 6) | d;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                add(acc >>> bits);
            }
        }
    }

    /**
     * Appends quoted-printable {@code src[from, to)} decoded: {@code =XX} is a byte, {@code =} at the end of a line
     * (trailing white space allowed) joins it to the next, any other {@code =} is kept. With {@code underscoreIsSpace},
     * RFC 2047's Q encoding.
     */
    void addQuotedPrintable(byte[] src, int from, int to, boolean underscoreIsSpace) {
        for (int k = from; k < to; k++) {
            byte c = src[k];
            if (c == '=') {
                int hi = k + 2 < to ? hexValue(src[k + 1]) : -1;
                int lo = hi >= 0 ? hexValue(src[k + 2]) : -1;
                if (lo >= 0) {
                    add(hi << 4 | lo);
                    k += 2;
                    continue;
                }
                int e = k + 1;
                while (e < to && (src[e] == ' ' || src[e] == '\t' || src[e] == '\r')) e++;
                if (e < to && src[e] == '\n') { // soft line break
                    k = e;
                    continue;
                }
                add(c);
            } else {
                add(underscoreIsSpace && c == '_' ? ' ' : c);
            }
        }
    }

    private static int base64Value(int c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }
}
