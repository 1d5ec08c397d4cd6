package dev.begone.classify.spamd;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One spamd answer: {@code SPAMD/<version> <code> <message>}, headers, an empty line, and an optional body.
 * Reading is bounded: header lines over {@link #MAX_LINE} bytes and bodies over the caller's cap are errors.
 */
record SpamdResponse(String version, int code, String message, Map<String, String> headers, byte[] body) {
    static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 100;
    /** spamd's answers without Content-length (TELL) carry at most a few stray line ends. */
    private static final int MAX_UNCOUNTED_BODY = 64 * 1024;

    private static final Pattern STATUS = Pattern.compile("SPAMD/(\\d{1,3}\\.\\d{1,3}) (\\d{1,3})(?: (.*))?");
    private static final Pattern HEADER = Pattern.compile("([A-Za-z0-9-]+)\\s*:\\s*(.*)");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,10}");
    private static final Pattern SPAM = Pattern.compile(
            "(True|False|Yes|No)\\s*;\\s*([-+]?\\d{1,9}(?:\\.\\d{1,9})?)\\s*/\\s*([-+]?\\d{1,9}(?:\\.\\d{1,9})?)",
            Pattern.CASE_INSENSITIVE);

    /** spamd closed the connection before its status line: its child died or gave up on the request. */
    static final class ClosedWithoutAnswer extends ClassifierException {
        ClosedWithoutAnswer() {
            super("spamd closed the connection without answering");
        }
    }

    SpamdResponse {
        headers = Collections.unmodifiableMap(headers);
    }

    /** Reads one response; a body longer than {@code maxBody} bytes is refused before it is read. */
    static SpamdResponse read(InputStream in, int maxBody) throws ClassifierException {
        try {
            String statusLine = readLine(in);
            if (statusLine == null) throw new ClosedWithoutAnswer();
            Matcher m = STATUS.matcher(statusLine);
            if (!m.matches()) throw new ClassifierException("spamd sent a malformed status line: " + printable(statusLine));
            int code = Integer.parseInt(m.group(2));
            String message = m.group(3) == null ? "" : m.group(3);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (code != 0) {
                // PROTOCOL: on a non-zero code spamd sends nothing after the status line.
                return new SpamdResponse(m.group(1), code, message, headers, new byte[0]);
            }
            boolean ended = false;
            for (int i = 0; i <= MAX_HEADERS; i++) {
                String line = readLine(in);
                if (line == null) {
                    // PING's answer is the status line alone; any header block must be complete.
                    if (!headers.isEmpty()) throw new ClassifierException("spamd's answer ended inside its headers");
                    return new SpamdResponse(m.group(1), code, message, headers, new byte[0]);
                }
                if (line.isEmpty()) {
                    ended = true;
                    break;
                }
                Matcher h = HEADER.matcher(line);
                if (!h.matches()) throw new ClassifierException("spamd sent a malformed header line: " + printable(line));
                headers.put(h.group(1), h.group(2).strip());
            }
            if (!ended) throw new ClassifierException("spamd sent more than " + MAX_HEADERS + " header lines");
            return new SpamdResponse(m.group(1), code, message, headers, readBody(in, headers, maxBody));
        } catch (ClassifierException e) {
            throw e;
        } catch (IOException e) {
            throw new ClassifierException("reading spamd's answer failed: " + e.getMessage(), e);
        }
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers, int maxBody) throws IOException {
        String length = headers.get("Content-length");
        if (length == null) {
            byte[] rest = in.readNBytes(MAX_UNCOUNTED_BODY + 1);
            if (rest.length > MAX_UNCOUNTED_BODY) {
                throw new ClassifierException("spamd sent more than " + MAX_UNCOUNTED_BODY + " bytes without a Content-length");
            }
            return rest;
        }
        if (!NUMBER.matcher(length).matches()) {
            throw new ClassifierException("spamd sent a malformed Content-length: " + printable(length));
        }
        long n = Long.parseLong(length);
        if (n > maxBody) {
            throw new ClassifierException("spamd announced a " + n + "-byte answer, over the limit of " + maxBody + " bytes");
        }
        byte[] body = in.readNBytes((int) n);
        if (body.length < n) {
            throw new ClassifierException("spamd's answer was cut off after " + body.length + " of " + n + " bytes");
        }
        return body;
    }

    /** A line without its CR LF, or null at end of stream; longer than {@link #MAX_LINE} bytes is an error. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) return null;
                throw new ClassifierException("spamd's answer ended in the middle of a line");
            }
            if (b == '\n') break;
            if (line.size() >= MAX_LINE) {
                throw new ClassifierException("spamd sent a header line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    /** Fails unless spamd answered {@code 0}; names the server and explains the common refusals. */
    SpamdResponse requireOk(String server) throws ClassifierException {
        if (code == 0) return this;
        String hint = code == 69 && message.contains("TELL") && !message.contains("allow-tell") ? " (start spamd with --allow-tell)" : "";
        throw new ClassifierException("spamd at " + server + " answered " + code + " " + printable(message) + hint);
    }

    /** The verdict of a CHECK/SYMBOLS/REPORT/PROCESS answer; {@code symbols} says whether the body lists rules. */
    Verdict verdict(boolean symbols) throws ClassifierException {
        String spam = headers.get("Spam");
        if (spam == null) throw new ClassifierException("spamd's answer has no Spam header");
        Matcher m = SPAM.matcher(spam);
        if (!m.matches()) throw new ClassifierException("spamd sent a malformed Spam header: " + printable(spam));
        boolean isSpam = m.group(1).equalsIgnoreCase("True") || m.group(1).equalsIgnoreCase("Yes");
        double score = Double.parseDouble(m.group(2));
        double threshold = Double.parseDouble(m.group(3));
        List<String> reasons = symbols ? symbols() : List.of();
        return new Verdict(isSpam ? Outcome.SPAM : Outcome.HAM, score, threshold, score - threshold, reasons);
    }

    /** SYMBOLS' body: rule names separated by commas, with or without trailing line ends. */
    private List<String> symbols() {
        List<String> out = new ArrayList<>();
        for (String s : new String(body, StandardCharsets.ISO_8859_1).split(",")) {
            String t = s.strip();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return s.length() > 200 ? sb + "..." : sb.toString();
    }
}
