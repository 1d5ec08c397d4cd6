package dev.begone.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The public SpamAssassin corpus in ../shared/corpus (never copied into the project). Tests that read it run
 * whenever it is there and say plainly that they were skipped when it is not; with CI=true it must be there.
 */
public final class SharedCorpus {
    public record Entry(String path, boolean spam, byte[] message) {}

    private SharedCorpus() {}

    /** The corpus directory (holding labels.tsv), if present. */
    public static Optional<Path> root() {
        String configured = System.getProperty("begone.corpus");
        Path p = configured != null ? Path.of(configured) : Path.of("../shared/corpus/spamassassin-public");
        return Files.isRegularFile(p.resolve("labels.tsv")) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
    }

    /** The corpus root, or the calling test is skipped with "SKIPPED: corpus not found" (a failure when CI=true). */
    public static Path requireRoot() {
        Optional<Path> root = root();
        if (root.isEmpty() && ServerProcess.required()) {
            throw new AssertionError("../shared/corpus/spamassassin-public not found; CI=true forbids skipping");
        }
        Assumptions.assumeTrue(root.isPresent(), "SKIPPED: corpus not found (../shared/corpus/spamassassin-public)");
        return root.get();
    }

    /** {@code n} messages spread evenly over labels.tsv, ready for IMAP APPEND. */
    public static List<byte[]> sample(Path root, int n) throws IOException {
        return sampleEntries(root, n).stream().map(Entry::message).toList();
    }

    public static List<Entry> sampleEntries(Path root, int n) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("labels.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\t")).toList();
        List<Entry> out = new ArrayList<>();
        int count = Math.min(n, lines.size());
        for (int i = 0; i < count; i++) {
            String[] fields = lines.get((int) ((long) i * lines.size() / count)).split("\t");
            out.add(new Entry(fields[0], fields[1].trim().equals("spam"), forAppend(Files.readAllBytes(root.resolve(fields[0])))));
        }
        return out;
    }

    /** Strips a leading mbox "From " line and makes every line end in CRLF, as IMAP APPEND requires. */
    public static byte[] forAppend(byte[] raw) {
        int start = 0;
        if (raw.length >= 5 && raw[0] == 'F' && raw[1] == 'r' && raw[2] == 'o' && raw[3] == 'm' && raw[4] == ' ') {
            while (start < raw.length && raw[start] != '\n') start++;
            start = Math.min(start + 1, raw.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 20);
        for (int i = start; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '\n' && (i == start || raw[i - 1] != '\r')) out.write('\r');
            if (b == '\r' && (i + 1 >= raw.length || raw[i + 1] != '\n')) {
                out.write('\r');
                out.write('\n');
                continue;
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}
