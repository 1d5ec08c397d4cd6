package dev.begone.classify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Undoes what SpamAssassin did to a message, so that learning sees the original: a {@code report_safe 1/2}
 * wrapper gives back the attached original, and a {@code report_safe 0} message loses the block of
 * {@code X-Spam-*} headers SpamAssassin put on top (and gets its Subject back from {@code X-Spam-Prev-Subject}).
 *
 * <p>Works on bytes, not on a MIME parse, so the original comes back byte for byte, line ends included.
 */
public final class SpamAssassinReports {
    private static final Pattern BOUNDARY = Pattern.compile("boundary\\s*=\\s*\"?([^\";\\s]+)\"?", Pattern.CASE_INSENSITIVE);
    /** SpamAssassin's wrapper boundaries look like {@code ----------=_6B026D4F.A28DBDCF}. */
    private static final String SA_BOUNDARY_PREFIX = "----------=_";
    private static final String SPAM_HEADER_PREFIX = "x-spam-";

    private SpamAssassinReports() {}

    /** The message as it was before SpamAssassin touched it, or {@code message} itself when it was not touched. */
    public static byte[] unwrap(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        Header header = Header.parse(text, 0);
        String original = wrappedOriginal(text, header);
        if (original != null) return original.getBytes(StandardCharsets.ISO_8859_1);
        String stripped = withoutPrependedReport(text, header);
        return stripped == null ? message : stripped.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The {@code x-spam-type=original} part of a report_safe wrapper, or null when this is no such wrapper. */
    private static String wrappedOriginal(String text, Header header) {
        if (!header.has(SPAM_HEADER_PREFIX)) return null;
        String type = header.value("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")) return null;
        Matcher b = BOUNDARY.matcher(type);
        if (!b.find() || !b.group(1).startsWith(SA_BOUNDARY_PREFIX)) return null;
        String delimiter = "--" + b.group(1);
        int at = nextDelimiter(text, delimiter, header.end());
        while (at >= 0) {
            int partStart = text.indexOf('\n', at);
            if (partStart < 0) return null;
            Header part = Header.parse(text, partStart + 1);
            int next = nextDelimiter(text, delimiter, part.end());
            if (next < 0) return null;
            String partType = part.value("content-type");
            if (partType != null && partType.toLowerCase(Locale.ROOT).contains("x-spam-type=original")) {
                // The line end before a delimiter belongs to the delimiter (RFC 2046), not to the content.
                int end = next;
                if (end > part.end() && text.charAt(end - 1) == '\n') end--;
                if (end > part.end() && text.charAt(end - 1) == '\r') end--;
                return text.substring(part.end(), Math.max(end, part.end()));
            }
            at = next;
        }
        return null;
    }

    /** Index of the next line starting with {@code delimiter} at or after {@code from}, or -1. */
    private static int nextDelimiter(String text, String delimiter, int from) {
        int i = from;
        while (i < text.length()) {
            if (text.startsWith(delimiter, i)) return i;
            int nl = text.indexOf('\n', i);
            if (nl < 0) return -1;
            i = nl + 1;
        }
        return -1;
    }

    /** The message without SpamAssassin's leading X-Spam-* block, or null when it has none. */
    private static String withoutPrependedReport(String text, Header header) {
        List<Field> fields = header.fields();
        int lead = 0;
        while (lead < fields.size() && fields.get(lead).lowerName().startsWith(SPAM_HEADER_PREFIX)) lead++;
        if (lead == 0) return null;
        List<Field> rest = fields.subList(lead, fields.size());
        Field prevSubject = null;
        for (Field f : rest) if (f.lowerName().equals("x-spam-prev-subject")) prevSubject = f;
        StringBuilder out = new StringBuilder(text.length());
        for (Field f : rest) {
            String raw = text.substring(f.start(), f.end());
            if (f == prevSubject) continue;
            if (prevSubject != null && f.lowerName().equals("subject")) {
                String prevRaw = text.substring(prevSubject.start(), prevSubject.end());
                raw = raw.substring(0, raw.indexOf(':')) + prevRaw.substring(prevRaw.indexOf(':'));
            }
            out.append(raw);
        }
        return out.append(text, header.bodySeparatorStart(), text.length()).toString();
    }

    private record Field(String lowerName, int start, int end) {}

    /**
     * A header block starting at some offset: its fields (raw extents, continuation lines included), where the
     * empty separator line starts and where the body begins.
     */
    private record Header(List<Field> fields, String text, int bodySeparatorStart, int end) {
        static Header parse(String text, int from) {
            List<Field> fields = new ArrayList<>();
            int i = from;
            int fieldStart = -1;
            String name = null;
            while (i < text.length()) {
                int nl = text.indexOf('\n', i);
                int lineEnd = nl < 0 ? text.length() : nl + 1;
                String line = text.substring(i, lineEnd);
                boolean empty = line.equals("\n") || line.equals("\r\n");
                boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
                if (!continuation && name != null) {
                    fields.add(new Field(name, fieldStart, i));
                    name = null;
                }
                if (empty) return new Header(fields, text, i, lineEnd);
                if (!continuation) {
                    int colon = line.indexOf(':');
                    fieldStart = i;
                    // A line without a colon (an mbox "From " line, garbage) still counts, under an empty name.
                    name = colon > 0 ? line.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "";
                }
                i = lineEnd;
            }
            if (name != null) fields.add(new Field(name, fieldStart, text.length()));
            return new Header(fields, text, text.length(), text.length());
        }

        boolean has(String lowerPrefix) {
            for (Field f : fields) if (f.lowerName().startsWith(lowerPrefix)) return true;
            return false;
        }

        /** The first field's unfolded value, or null. */
        String value(String lowerName) {
            for (Field f : fields) {
                if (f.lowerName().equals(lowerName)) {
                    String raw = text.substring(f.start(), f.end());
                    return raw.substring(raw.indexOf(':') + 1).replaceAll("\r?\n[ \t]", " ").strip();
                }
            }
            return null;
        }
    }
}
