package dev.begone.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Cheap identities of raw messages, used to recognise a copy after a crash and to remember what was learned. */
final class MessageIds {
    private static final int HEADER_SCAN_LIMIT = 256 * 1024;

    private MessageIds() {}

    /** The Message-ID header value (unfolded, trimmed), or null when the header block has none. */
    static String messageId(byte[] raw) {
        int end = Math.min(raw.length, HEADER_SCAN_LIMIT);
        int lineStart = 0;
        while (lineStart < end) {
            int lineEnd = lineStart;
            while (lineEnd < end && raw[lineEnd] != '\n') lineEnd++;
            int contentEnd = lineEnd > lineStart && raw[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == lineStart) return null; // blank line: end of headers
            if (startsWithIgnoreCase(raw, lineStart, contentEnd, "message-id:")) {
                StringBuilder value = new StringBuilder(
                        new String(raw, lineStart + 11, contentEnd - lineStart - 11, StandardCharsets.ISO_8859_1));
                int next = lineEnd + 1;
                while (next < end && (raw[next] == ' ' || raw[next] == '\t')) { // folded continuation
                    int e = next;
                    while (e < end && raw[e] != '\n') e++;
                    int ce = e > next && raw[e - 1] == '\r' ? e - 1 : e;
                    value.append(new String(raw, next, ce - next, StandardCharsets.ISO_8859_1));
                    next = e + 1;
                }
                String id = value.toString().trim();
                return id.isEmpty() ? null : id;
            }
            lineStart = lineEnd + 1;
        }
        return null;
    }

    /** SHA-256 of the bytes, hex: the key under which a learned message is remembered. */
    static String digest(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static boolean startsWithIgnoreCase(byte[] raw, int from, int to, String prefix) {
        if (to - from < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) (raw[from + i] & 0xff)) != prefix.charAt(i)) return false;
        }
        return true;
    }
}
