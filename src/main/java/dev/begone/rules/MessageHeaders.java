package dev.begone.rules;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header block of one message, parsed once: every field in order, names compared without regard to case, several
 * occurrences of a name all kept; values unfolded (line breaks removed, white space kept, as RFC 5322 says), trimmed,
 * and RFC 2047 encoded-words decoded. 8-bit values are read as UTF-8 when they are valid UTF-8, else as Latin-1.
 *
 * <p>Parsing never throws. A line that is not a field ({@code Name: value}) is skipped and reported in
 * {@link #problems()}; a block longer than {@value #MAX_HEADER_BYTES} bytes is read up to that size.
 *
 * <p>The body is read only by {@link #bodyKey()}, lazily. The raw bytes are held, not copied: the caller must not
 * change them. Safe to share between threads (lazily computed values may be computed twice).
 */
public final class MessageHeaders {
    /** Far beyond any real header block, so that a message without a blank line cannot make rules read megabytes. */
    static final int MAX_HEADER_BYTES = 256 * 1024;

    private final byte[] raw;
    private final int size;
    private final int[] spans; // field i: name raw[spans[4i], spans[4i+1]), value raw[spans[4i+2], spans[4i+3]) with its line breaks
    private final int[] nameHashes; // String.hashCode() of each lower-cased name, computed from the bytes
    private final String[] values; // unfolded and trimmed, made on first use
    private final String[] decoded; // and decoded, on first use
    private final int bodyStart; // -1: the header block was cut at MAX_HEADER_BYTES, the body not located
    private final List<String> problems;
    private volatile Optional<String> bodyKey;

    private MessageHeaders(byte[] raw, int size, int[] spans, int[] nameHashes, int bodyStart, List<String> problems) {
        this.raw = raw;
        this.size = size;
        this.spans = spans;
        this.nameHashes = nameHashes;
        this.values = new String[size];
        this.decoded = new String[size];
        this.bodyStart = bodyStart;
        this.problems = List.copyOf(problems);
    }

    /** The header block of a whole message (its bytes as fetched, CRLF or LF line ends). */
    public static MessageHeaders parse(byte[] raw) {
        return parse(raw, 0, raw.length);
    }

    /** The header block starting at {@code from}, within {@code [from, to)}: a message, or a MIME part of one. */
    static MessageHeaders parse(byte[] raw, int from, int to) {
        int size = 0;
        int[] spans = new int[4 * 32];
        int[] hashes = new int[32];
        List<String> problems = new ArrayList<>(0);
        int limit = Math.min(to, from + MAX_HEADER_BYTES);
        int line = 0;
        boolean open = false; // whether the last field may go on in a continuation line
        int i = from;
        int bodyStart = to;
        while (true) {
            if (i >= limit) {
                if (limit < to) {
                    problems.add("header block longer than " + MAX_HEADER_BYTES + " bytes; the rest is ignored");
                    bodyStart = -1;
                }
                break;
            }
            line++;
            int end = i;
            while (end < to && raw[end] != '\n') end++;
            int contentEnd = end > i && raw[end - 1] == '\r' ? end - 1 : end;
            if (contentEnd == i) { // the blank line
                bodyStart = Math.min(end + 1, to);
                break;
            }
            if (raw[i] == ' ' || raw[i] == '\t') {
                if (open) spans[4 * size - 1] = contentEnd;
                else problems.add("line " + line + " continues no field");
            } else {
                open = false;
                int colon = fieldNameEnd(raw, i, contentEnd);
                if (colon < 0) {
                    problems.add("line " + line + " is not a header field");
                } else {
                    if (size == hashes.length) {
                        hashes = Arrays.copyOf(hashes, size * 2);
                        spans = Arrays.copyOf(spans, 4 * size * 2);
                    }
                    int nameEnd = trimEnd(raw, i, colon);
                    int h = 0;
                    for (int k = i; k < nameEnd; k++) h = 31 * h + lower(raw[k]);
                    hashes[size] = h;
                    spans[4 * size] = i;
                    spans[4 * size + 1] = nameEnd;
                    spans[4 * size + 2] = colon + 1;
                    spans[4 * size + 3] = contentEnd;
                    size++;
                    open = true;
                }
            }
            i = end + 1;
        }
        return new MessageHeaders(raw, size, spans, hashes, bodyStart, problems);
    }

    /** Every value of the named field, in order; empty when there is none. */
    public List<String> values(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        List<String> out = List.of();
        for (int i = 0; i < size; i++) {
            if (nameIs(i, n)) {
                if (out.isEmpty()) out = new ArrayList<>(1);
                out.add(valueAt(i));
            }
        }
        return out;
    }

    /** The addr-specs, lower-cased, in every occurrence of the named address field ({@code To}, {@code Cc}...). */
    public List<String> addresses(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (nameIs(i, n)) out.addAll(Addresses.parse(undecodedAt(i)));
        }
        return out;
    }

    /** The sender's address: the first addr-spec in From, lower-cased. */
    public Optional<String> sender() {
        List<String> from = addresses("from");
        return from.isEmpty() ? Optional.empty() : Optional.of(from.get(0));
    }

    /** The first Message-ID's {@code <id>} (as written, case kept), or its whole value when it has no brackets. */
    public Optional<String> messageId() {
        for (int i = 0; i < size; i++) {
            if (!nameIs(i, "message-id")) continue;
            String v = undecodedAt(i);
            int open = v.indexOf('<');
            int close = open >= 0 ? v.indexOf('>', open) : -1;
            String id = close > open ? v.substring(open, close + 1) : v.strip();
            return id.isEmpty() || id.equals("<>") ? Optional.empty() : Optional.of(id);
        }
        return Optional.empty();
    }

    /**
     * The key under which {@code duplicates: {by: body}} recognises the same body: see {@link BodyKey}. Empty when the
     * body is empty once normalised, or cannot be located. Reads the body on first use only.
     */
    public Optional<String> bodyKey() {
        Optional<String> k = bodyKey;
        if (k == null) {
            k = bodyStart < 0 ? Optional.empty() : BodyKey.of(this, raw, bodyStart, raw.length);
            bodyKey = k;
        }
        return k;
    }

    /** How many fields were read. */
    public int size() {
        return size;
    }

    /** What could not be read, one line each ("line 3 is not a header field"); empty for a well-formed block. */
    public List<String> problems() {
        return problems;
    }

    /** {@code String.hashCode()} of field {@code i}'s lower-cased name. */
    int nameHash(int i) {
        return nameHashes[i];
    }

    /** Whether field {@code i} is named {@code lowerName} (lower-cased), ignoring case. */
    boolean nameIs(int i, String lowerName) {
        int from = spans[4 * i];
        if (spans[4 * i + 1] - from != lowerName.length()) return false;
        for (int k = 0; k < lowerName.length(); k++) if (lower(raw[from + k]) != lowerName.charAt(k)) return false;
        return true;
    }

    /**
     * Runs {@code scanner} over field {@code i}'s value straight from the bytes when they are what the decoded value
     * holds (plain ASCII, no encoded-word), else over the decoded value.
     */
    void scan(int i, LiteralScanner scanner, BitSet found) {
        if (!scanner.scanPlain(raw, spans[4 * i + 2], spans[4 * i + 3], found)) scanner.scan(valueAt(i), found);
    }

    /** The decoded value of field {@code i}. */
    String valueAt(int i) {
        String d = decoded[i];
        if (d == null) {
            d = EncodedWords.decode(undecodedAt(i));
            decoded[i] = d;
        }
        return d;
    }

    /** The value of field {@code i} as written, but unfolded and trimmed: what addresses are read from. */
    private String undecodedAt(int i) {
        String v = values[i];
        if (v == null) {
            v = value(raw, spans[4 * i + 2], spans[4 * i + 3]);
            values[i] = v;
        }
        return v;
    }

    /** Where the body starts, or -1 when the header block was cut short. */
    int bodyStart() {
        return bodyStart;
    }

    /** The index of the colon ending a field name ({@code [!-9;-~]+}, white space allowed before the colon), or -1. */
    private static int fieldNameEnd(byte[] raw, int from, int to) {
        int k = from;
        while (k < to && raw[k] >= '!' && raw[k] <= '~' && raw[k] != ':') k++;
        if (k == from) return -1;
        while (k < to && (raw[k] == ' ' || raw[k] == '\t')) k++;
        return k < to && raw[k] == ':' ? k : -1;
    }

    private static int trimEnd(byte[] raw, int from, int to) {
        while (to > from && (raw[to - 1] == ' ' || raw[to - 1] == '\t')) to--;
        return to;
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** {@code raw[from, to)} without its line breaks, trimmed; UTF-8 when valid, else Latin-1. */
    private static String value(byte[] raw, int from, int to) {
        while (from < to && (raw[from] == ' ' || raw[from] == '\t')) from++;
        to = trimEnd(raw, from, to);
        byte[] b = new byte[to - from];
        int n = 0;
        boolean eightBit = false;
        for (int k = from; k < to; k++) {
            byte c = raw[k];
            if (c == '\r' || c == '\n') continue;
            eightBit |= c < 0;
            b[n++] = c;
        }
        if (eightBit) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, 0, n)).toString();
            } catch (CharacterCodingException e) {
                // not UTF-8: legacy 8-bit mail, read byte for byte
            }
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }
}
