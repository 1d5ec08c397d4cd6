package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.TestMail;
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
        ServerProcess.assumeInstalled("spamassassin", "spamassassin");
        ClassifierOptions o = new ClassifierOptions();
        o.classifier = "spamassassin+builtin";
        o.jobs = 1;
        Path model = dir.resolve("account-builtin.model");
        try (Classifier c = o.create("builtin", model)) {
            assertEquals("spamassassin+builtin", c.name());
            c.sync(Map.of());
            assertFalse(Files.exists(model), "a classifier never used is never opened: nothing read, nothing written");
            c.classify(TestMail.ham(1));
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
