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
        return header(raw, "Message-ID");
    }

    /** The first {@code name} header's value (unfolded, trimmed, as ISO-8859-1), or null when there is none or it is empty. */
    static String header(byte[] raw, String name) {
        String prefix = name.toLowerCase(java.util.Locale.ROOT) + ":";
        int end = Math.min(raw.length, HEADER_SCAN_LIMIT);
        int lineStart = 0;
        while (lineStart < end) {
            int lineEnd = lineStart;
            while (lineEnd < end && raw[lineEnd] != '\n') lineEnd++;
            int contentEnd = lineEnd > lineStart && raw[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == lineStart) return null; // blank line: end of headers
            if (startsWithIgnoreCase(raw, lineStart, contentEnd, prefix)) {
                int from = lineStart + prefix.length();
                StringBuilder value = new StringBuilder(new String(raw, from, contentEnd - from, StandardCharsets.ISO_8859_1));
                int next = lineEnd + 1;
                while (next < end && (raw[next] == ' ' || raw[next] == '\t')) { // folded continuation
                    int e = next;
                    while (e < end && raw[e] != '\n') e++;
                    int ce = e > next && raw[e - 1] == '\r' ? e - 1 : e;
                    value.append(new String(raw, next, ce - next, StandardCharsets.ISO_8859_1));
                    next = e + 1;
                }
                String v = value.toString().trim();
                return v.isEmpty() ? null : v;
            }
            lineStart = lineEnd + 1;
        }
        return null;
    }

    /**
     * Why the bytes are no mail message begone can read, or null when they are one: a message starts with a header
     * field ({@code Name: value}, RFC 5322 section 2.2). Empty bytes, or a first line that is blank or no field, mean
     * there is no header section at all: what a classifier would learn from it is noise.
     */
    static String notAMessage(byte[] raw) {
        if (raw.length == 0) return "it is empty";
        int i = 0;
        // An mbox "From " line some delivery agents leave in front of the header is no reason to refuse the message.
        if (startsWithIgnoreCase(raw, 0, raw.length, "from ")) {
            while (i < raw.length && raw[i] != '\n') i++;
            i++;
        }
        int start = i;
        while (i < raw.length && raw[i] > 32 && raw[i] < 127 && raw[i] != ':') i++;
        if (i > start && i < raw.length && raw[i] == ':') return null;
        return "it does not start with a header field (no From:, Subject: ... before its text)";
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
