package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.testing.Spamd;
import dev.begone.testing.TestMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The same evaluation drives spamd (learning through TELL) and its fusion with the built-in classifier. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvaluateWithSpamdTest {
    @TempDir
    Path dir;

    @Test
    void evaluateScoresAndTeachesSpamdAndTheFusedPair() throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            boolean spam = i % 2 == 0;
            Files.write(corpus.resolve(i + ".eml"), spam ? TestMail.spam(i) : TestMail.ham(i));
            labels.append(i).append(".eml\t").append(spam ? "spam" : "ham").append('\n');
        }
        Files.writeString(corpus.resolve("labels.tsv"), labels, StandardCharsets.UTF_8);
        try (Spamd spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")))) {
            for (String classifier : List.of("spamd", "spamd+builtin")) {
                IsbgCli.Run run = new IsbgCli(dir).run("evaluate", "--corpus", corpus.toString(), "--classifier", classifier,
                        "--spamd", "127.0.0.1:" + spamd.port(), "--jobs", "1");
                assertEquals(0, run.exit(), run.toString());
                String last = run.out().lines().reduce((a, b) -> b).orElse("");
                // GTUBE separates the two classes perfectly, so ranking is perfect whatever the builtin abstains on.
                assertTrue(last.startsWith("evaluate: n=12 spam=6 ham=6 1-ROCA%=0.0000 "), classifier + ": " + run.out());
            }
        }
    }
}
