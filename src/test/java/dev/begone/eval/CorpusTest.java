package dev.begone.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Label;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class CorpusTest {
    @TempDir
    Path dir;

    private void message(String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    }

    private static List<String> names(List<Corpus.Entry> entries) {
        return entries.stream().map(Corpus.Entry::name).toList();
    }

    @Test
    void labelsTsvListsPathsAndLabelsInFileOrder() throws IOException {
        message("a/1", "Subject: one\n\nx\n");
        message("b/2", "Subject: two\n\nx\n");
        Files.writeString(dir.resolve("labels.tsv"), "a/1\tspam\nb/2\tham\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("a/1", "b/2"), names(c.entries()));
        assertEquals(List.of(Label.SPAM, Label.HAM), c.entries().stream().map(Corpus.Entry::label).toList());
    }

    @Test
    void trecIndexPathsAreRelativeToTheIndex() throws IOException {
        message("data/inmail.1", "Subject: one\n\nx\n");
        message("data/inmail.2", "Subject: two\n\nx\n");
        message("full/index", "spam ../data/inmail.1\nham ../data/inmail.2\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of(Label.SPAM, Label.HAM), c.entries().stream().map(Corpus.Entry::label).toList());
        assertArrayEquals("Subject: two\n\nx\n".getBytes(StandardCharsets.US_ASCII), c.entries().get(1).read());
        assertEquals(dir.resolve("data/inmail.1"), c.entries().get(0).file());
    }

    @Test
    void malformedLabelLineNamesFileAndLine() throws IOException {
        Files.writeString(dir.resolve("labels.tsv"), "a/1\tspam\na/2\tmaybe\n");
        IOException e = assertThrows(IOException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("labels.tsv:2:"), e.getMessage());
    }

    @Test
    void directoryWithoutListingIsRefused() {
        IOException e = assertThrows(IOException.class, () -> Corpus.load(dir));
        assertTrue(e.getMessage().contains("neither labels.tsv nor full/index"), e.getMessage());
    }

    @Test
    void leadingMboxFromLineIsStripped() throws IOException {
        message("m", "From someone@example.org  Thu Aug 22 12:36:23 2002\nSubject: hi\n\nbody\n");
        Files.writeString(dir.resolve("labels.tsv"), "m\tham\n");
        assertArrayEquals("Subject: hi\n\nbody\n".getBytes(StandardCharsets.US_ASCII), Corpus.load(dir).entries().get(0).read());
    }

    @Test
    void dateOrderIsStableAndPutsUnparseableDatesLastInFileOrder() throws IOException {
        message("late", "Date: Thu, 22 Aug 2002 12:00:00 +0000\n\nx\n");
        message("nodate", "Subject: none\n\nx\n");
        message("early", "Date: Mon, 1 Jul 2002 08:00:00 -0400\n\nx\n");
        message("garbage", "Date: the day after tomorrow\n\nx\n");
        message("sameAsLate", "Date: Thu, 22 Aug 2002 14:00:00 +0200\n\nx\n");
        message("folded", "Date:\n Wed, 10 Jul 2002 10:00:00 +0000\n\nx\n");
        Files.writeString(dir.resolve("labels.tsv"),
                "late\tham\nnodate\tspam\nearly\tham\ngarbage\tspam\nsameAsLate\tspam\nfolded\tham\n");
        Corpus c = Corpus.load(dir);
        assertEquals(List.of("early", "folded", "late", "sameAsLate", "nodate", "garbage"),
                names(c.ordered(new Order.DateOrder())));
    }

    @Test
    void shuffleIsReproducibleForASeed() throws IOException {
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            message("m" + i, "Subject: " + i + "\n\nx\n");
            labels.append("m").append(i).append("\tham\n");
        }
        Files.writeString(dir.resolve("labels.tsv"), labels);
        Corpus c = Corpus.load(dir);
        assertEquals(names(c.ordered(Order.parse("shuffle:7"))), names(c.ordered(Order.parse("shuffle:7"))));
        assertEquals(names(c.entries()), names(c.ordered(Order.parse("file"))));
    }

    @Test
    void orderParsesItsThreeForms() {
        assertEquals(new Order.FileOrder(), Order.parse("file"));
        assertEquals(new Order.DateOrder(), Order.parse("date"));
        assertEquals(new Order.Shuffle(42), Order.parse("shuffle:42"));
        assertEquals("shuffle:42", Order.parse("shuffle:42").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Order.parse("random"));
        assertEquals("unknown order 'random' (expected file, date or shuffle:SEED)", e.getMessage());
    }

    @Test
    void summaryLineHasTheFixedFormat() {
        EvaluationResult r = new EvaluationResult("builtin", "date", 10, 4, 6, 0.0123456, 1.5, 25, 0, 12.5, 12345.6, List.of());
        assertEquals("evaluate: n=10 spam=4 ham=6 1-ROCA%=0.0123 lam%=1.5000 sm%@hm0.1%=25.0000 hm%=0.0000 sm%=12.5000 msgs/s=12346",
                r.summaryLine());
    }
}
