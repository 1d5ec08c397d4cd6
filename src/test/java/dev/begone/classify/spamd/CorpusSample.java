package dev.begone.classify.spamd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A deterministic sample spread evenly over the public SpamAssassin corpus (labels.tsv order). */
final class CorpusSample {
    private CorpusSample() {}

    static List<byte[]> load(Path root, int n) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("labels.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\t")).toList();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n && i < lines.size(); i++) {
            String path = lines.get((int) ((long) i * lines.size() / n)).split("\t")[0];
            out.add(withoutMboxFromLine(Files.readAllBytes(root.resolve(path))));
        }
        return out;
    }

    static byte[] withoutMboxFromLine(byte[] m) {
        if (m.length < 5 || !new String(m, 0, 5, StandardCharsets.ISO_8859_1).equals("From ")) return m;
        int nl = 0;
        while (nl < m.length && m[nl] != '\n') nl++;
        return Arrays.copyOfRange(m, Math.min(nl + 1, m.length), m.length);
    }
}
