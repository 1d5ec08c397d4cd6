package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.FusionClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClassifierOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aFusionKeepsItsLearntCombinationBesideTheBuiltinModel() throws ClassifierException {
        ClassifierOptions o = new ClassifierOptions();
        o.classifier = "spamassassin+builtin";
        o.jobs = 1;
        Path model = dir.resolve("account-builtin.model");
        try (Classifier c = o.create("builtin", model)) {
            assertTrue(c instanceof FusionClassifier, c.getClass().getName());
            c.sync(Map.of());
        }
        assertTrue(Files.isRegularFile(model), "the builtin member's model");
        assertTrue(Files.isRegularFile(dir.resolve("account-builtin.model.spamassassin+builtin.fusion")),
                "the combination, one file per fusion");
    }

    @Test
    void withoutAModelFileAFusionLivesInMemory() throws ClassifierException {
        ClassifierOptions o = new ClassifierOptions();
        o.classifier = "spamassassin+builtin";
        o.jobs = 1;
        try (Classifier c = o.create("builtin", null)) {
            c.sync(Map.of());
        }
        assertEquals(0, dir.toFile().list().length);
    }
}
