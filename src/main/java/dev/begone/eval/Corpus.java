package dev.begone.eval;

import dev.begone.classify.Label;
import jakarta.mail.internet.MailDateFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Random;

/**
 * A labelled set of messages on disk: a directory holding {@code labels.tsv} ({@code path<TAB>spam|ham}) or a
 * TREC {@code full/index} ({@code spam ../data/inmail.1}). Messages are read when asked for, not held in memory.
 */
public final class Corpus {
    /** One labelled message file. */
    public record Entry(String name, Label label, Path file) {
        /** The message bytes without a leading mbox {@code From } envelope line. */
        public byte[] read() throws IOException {
            return stripEnvelope(Files.readAllBytes(file));
        }
    }

    private final Path dir;
    private final List<Entry> entries;

    private Corpus(Path dir, List<Entry> entries) {
        this.dir = dir;
        this.entries = List.copyOf(entries);
    }

    public static Corpus load(Path dir) throws IOException {
        Path labels = dir.resolve("labels.tsv");
        Path trecIndex = dir.resolve("full").resolve("index");
        if (Files.isRegularFile(labels)) return new Corpus(dir, parse(labels, dir, '\t'));
        if (Files.isRegularFile(trecIndex)) return new Corpus(dir, parse(trecIndex, trecIndex.getParent(), ' '));
        throw new IOException("corpus " + dir + " has neither labels.tsv nor full/index");
    }

    public Path dir() {
        return dir;
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    /** The entries in the given order; the corpus itself is not changed. */
    public List<Entry> ordered(Order order) throws IOException {
        return switch (order) {
            case Order.FileOrder f -> entries;
            case Order.DateOrder d -> byDate();
            case Order.Shuffle s -> {
                List<Entry> copy = new ArrayList<>(entries);
                Collections.shuffle(copy, new Random(s.seed()));
                yield List.copyOf(copy);
            }
        };
    }

    private List<Entry> byDate() throws IOException {
        long[] millis = new long[entries.size()];
        MailDateFormat format = new MailDateFormat();
        for (int i = 0; i < millis.length; i++) millis[i] = dateMillis(entries.get(i).read(), format);
        Integer[] idx = new Integer[millis.length];
        Arrays.setAll(idx, i -> i);
        // List.sort is stable, and Long.MAX_VALUE puts undated messages last in file order.
        List<Integer> order = Arrays.asList(idx);
        order.sort(Comparator.comparingLong(i -> millis[i]));
        List<Entry> sorted = new ArrayList<>(millis.length);
        for (int i : order) sorted.add(entries.get(i));
        return List.copyOf(sorted);
    }

    /** Millis of the message's Date header, or {@link Long#MAX_VALUE} when it is missing or unparseable. */
    static long dateMillis(byte[] message, MailDateFormat format) {
        String date = header(message, "date");
        if (date == null) return Long.MAX_VALUE;
        Date parsed = format.parse(date.trim(), new ParsePosition(0));
        return parsed == null ? Long.MAX_VALUE : parsed.getTime();
    }

    /** The unfolded value of the first header named {@code lowerName}, or null. */
    static String header(byte[] message, String lowerName) {
        String head = new String(message, 0, headerEnd(message), StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') continue;
            if (!line.substring(0, colon).trim().equalsIgnoreCase(lowerName)) continue;
            StringBuilder value = new StringBuilder(line.substring(colon + 1));
            for (int j = i + 1; j < lines.length && !lines[j].isEmpty()
                    && (lines[j].charAt(0) == ' ' || lines[j].charAt(0) == '\t'); j++) {
                value.append(' ').append(lines[j].trim());
            }
            return value.toString();
        }
        return null;
    }

    private static int headerEnd(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return i;
            }
        }
        return m.length;
    }

    static byte[] stripEnvelope(byte[] m) {
        if (m.length < 5 || m[0] != 'F' || m[1] != 'r' || m[2] != 'o' || m[3] != 'm' || m[4] != ' ') return m;
        for (int i = 5; i < m.length; i++) {
            if (m[i] == '\n') return Arrays.copyOfRange(m, i + 1, m.length);
        }
        return new byte[0];
    }

    private static List<Entry> parse(Path listing, Path base, char separator) throws IOException {
        List<String> lines = Files.readAllLines(listing, StandardCharsets.UTF_8);
        List<Entry> out = new ArrayList<>(lines.size());
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int sep = separator == '\t' ? line.indexOf('\t') : indexOfWhitespace(line);
            if (sep < 0) throw malformed(listing, n, line);
            String first = line.substring(0, sep).strip();
            String second = line.substring(sep + 1).strip();
            // labels.tsv is "path<TAB>label", the TREC index is "label path"
            String path = separator == '\t' ? first : second;
            Label label = parseLabel(separator == '\t' ? second : first);
            if (label == null || path.isEmpty()) throw malformed(listing, n, line);
            out.add(new Entry(path, label, base.resolve(path).normalize()));
        }
        return out;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }

    private static Label parseLabel(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "spam" -> Label.SPAM;
            case "ham" -> Label.HAM;
            default -> null;
        };
    }

    private static IOException malformed(Path listing, int lineIndex, String line) {
        return new IOException(listing + ":" + (lineIndex + 1) + ": expected a path and spam|ham, got: " + line);
    }
}
