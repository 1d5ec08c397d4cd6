package dev.begone.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of a normalised body, for {@code duplicates: {by: body}} (004_'s {@code nodupbody}): two copies of one
 * mail that relays delivered differently get the same key.
 * <ol>
 *   <li>The body is what follows the header block. A multipart body (Content-Type {@code multipart/*} with a boundary)
 *       is the content of its leaf parts in order, nested up to {@value #MAX_DEPTH} levels; part headers, preamble,
 *       epilogue and boundary lines are left out, since a sender draws new boundaries for every copy.</li>
 *   <li>Each leaf's base64 or quoted-printable transfer encoding is undone (a relay may re-encode 8-bit text).</li>
 *   <li>Every ASCII white space byte (space, tab, CR, LF, FF, VT) is removed: re-wrapping, CRLF against LF, trailing
 *       blanks and indentation make no difference.</li>
 *   <li>The key is the SHA-256 of what is left, in hex. An empty remainder has no key: bodiless notices are not
 *       duplicates of each other.</li>
 * </ol>
 * Charsets are not converted: the same text sent once in UTF-8 and once in Latin-1 has two keys.
 */
final class BodyKey {
    static final int MAX_DEPTH = 8;
    private static final Pattern MULTIPART = Pattern.compile("^\\s*multipart/", Pattern.CASE_INSENSITIVE);
    private static final Pattern BOUNDARY =
            Pattern.compile("(?:^|;)\\s*boundary\\s*=\\s*(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);

    private enum Delimiter { NONE, OPENING, CLOSING }

    private BodyKey() {}

    static Optional<String> of(MessageHeaders headers, byte[] raw, int from, int to) {
        Bytes body = new Bytes(to - from);
        addContent(headers, raw, from, to, body, 0);
        byte[] b = body.array();
        int n = 0;
        for (int k = 0; k < body.size(); k++) {
            byte c = b[k];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != 0x0B) b[n++] = c;
        }
        if (n == 0) return Optional.empty();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(b, 0, n);
            return Optional.of(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Appends the decoded content of {@code raw[from, to)}, whose headers are {@code headers}. */
    private static void addContent(MessageHeaders headers, byte[] raw, int from, int to, Bytes out, int depth) {
        String boundary = depth < MAX_DEPTH ? boundary(headers) : null;
        if (boundary != null && addParts(raw, from, to, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1), out, depth)) {
            return;
        }
        String encoding = first(headers.values("content-transfer-encoding")).strip().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "base64" -> out.addBase64(raw, from, to);
            case "quoted-printable" -> out.addQuotedPrintable(raw, from, to, false);
            default -> {
                for (int k = from; k < to; k++) out.add(raw[k]);
            }
        }
    }

    /** Appends each part between the delimiter lines; false when there is no delimiter line (then it is no multipart). */
    private static boolean addParts(byte[] raw, int from, int to, byte[] delimiter, Bytes out, int depth) {
        int partStart = -1;
        boolean found = false;
        int i = from;
        while (i < to) {
            int end = i;
            while (end < to && raw[end] != '\n') end++;
            Delimiter kind = delimiter(raw, i, end, delimiter);
            if (kind != Delimiter.NONE) {
                found = true;
                if (partStart >= 0) addPart(raw, partStart, i, out, depth);
                if (kind == Delimiter.CLOSING) return true; // the epilogue is not content
                partStart = Math.min(end + 1, to);
            }
            i = end + 1;
        }
        if (partStart >= 0) addPart(raw, partStart, to, out, depth); // unclosed: the last part runs to the end
        return found;
    }

    private static void addPart(byte[] raw, int from, int to, Bytes out, int depth) {
        MessageHeaders part = MessageHeaders.parse(raw, from, to);
        if (part.bodyStart() >= 0) addContent(part, raw, part.bodyStart(), to, out, depth + 1);
    }

    private static String boundary(MessageHeaders headers) {
        String type = first(headers.values("content-type"));
        if (!MULTIPART.matcher(type).find()) return null;
        Matcher m = BOUNDARY.matcher(type);
        if (!m.find()) return null;
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? "" : values.get(0);
    }

    /** Whether the line {@code raw[from, to)} is {@code --boundary} or {@code --boundary--}, trailing white space allowed. */
    private static Delimiter delimiter(byte[] raw, int from, int to, byte[] delimiter) {
        if (to - from < delimiter.length) return Delimiter.NONE;
        for (int k = 0; k < delimiter.length; k++) if (raw[from + k] != delimiter[k]) return Delimiter.NONE;
        int k = from + delimiter.length;
        Delimiter kind = Delimiter.OPENING;
        if (k + 1 < to && raw[k] == '-' && raw[k + 1] == '-') {
            kind = Delimiter.CLOSING;
            k += 2;
        }
        for (; k < to; k++) if (raw[k] != ' ' && raw[k] != '\t' && raw[k] != '\r') return Delimiter.NONE;
        return kind;
    }
}
