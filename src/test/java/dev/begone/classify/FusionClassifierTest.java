package dev.begone.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FusionClassifierTest {
    private static byte[] msg(String body) {
        return ("Subject: x\n\n" + body + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] SPAM = msg("cheap casino prize winner offer");
    private static final byte[] HAM = msg("patch review meeting agenda kernel");

    @Test
    void nameJoinsMemberNamesWithPlus() {
        var f = new FusionClassifier(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()),
                BuiltinClassifier.inMemory(BuiltinOptions.defaults())));
        assertEquals("builtin+builtin", f.name());
    }

    @Test
    void unsureWhenEveryMemberIsUnsure() throws ClassifierException {
        var f = new FusionClassifier(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()),
                BuiltinClassifier.inMemory(BuiltinOptions.defaults())));
        assertEquals(Outcome.UNSURE, f.classify(SPAM).outcome());
    }

    @Test
    void learningTeachesEveryMemberAndTheMeanOfLogOddsDecides() throws ClassifierException {
        BuiltinClassifier a = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        BuiltinClassifier b = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1).withLearningRate(0.01));
        var f = new FusionClassifier(List.of(a, b));
        for (int i = 0; i < 5; i++) {
            assertEquals(LearnResult.LEARNED, f.learn(SPAM, Label.SPAM));
            f.learn(HAM, Label.HAM);
        }
        assertEquals(5, a.learned(Label.SPAM));
        assertEquals(5, b.learned(Label.HAM));
        Verdict v = f.classify(SPAM);
        assertEquals((a.classify(SPAM).logOdds() + b.classify(SPAM).logOdds()) / 2, v.logOdds(), 1e-12);
        assertEquals(Outcome.SPAM, v.outcome());
        assertEquals(Outcome.HAM, f.classify(HAM).outcome());
        assertEquals(50.0, v.threshold());
    }

    @Test
    void unsureMembersAreLeftOutOfTheMean() throws ClassifierException {
        BuiltinClassifier trained = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        BuiltinClassifier untrained = BuiltinClassifier.inMemory(BuiltinOptions.defaults());
        trained.learn(SPAM, Label.SPAM);
        trained.learn(HAM, Label.HAM);
        var f = new FusionClassifier(List.of(trained, untrained));
        assertEquals(trained.classify(SPAM).logOdds(), f.classify(SPAM).logOdds(), 1e-12);
    }

    @Test
    void fusionOfOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FusionClassifier(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()))));
        assertEquals("fusion needs at least two classifiers, got 1", e.getMessage());
    }
}
