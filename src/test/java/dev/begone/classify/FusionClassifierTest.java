package dev.begone.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FusionClassifierTest {
    private static byte[] msg(String body) {
        return ("Subject: x\n\n" + body + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] SPAM = msg("cheap casino prize winner offer");
    private static final byte[] HAM = msg("patch review meeting agenda kernel");
    private static final long SEED = 20261202L;

    @TempDir
    Path dir;

    private static BuiltinClassifier trained(BuiltinOptions options, int perClass) {
        BuiltinClassifier c = BuiltinClassifier.inMemory(options);
        for (int i = 0; i < perClass; i++) {
            c.learn(SPAM, Label.SPAM);
            c.learn(HAM, Label.HAM);
        }
        return c;
    }

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
    void untaughtFusionIsTheMeanOfTheMembersLogOdds() throws ClassifierException {
        BuiltinClassifier a = trained(BuiltinOptions.defaults().withMinimums(1, 1), 5);
        BuiltinClassifier b = trained(BuiltinOptions.defaults().withMinimums(1, 1).withLearningRate(0.01), 5);
        var f = new FusionClassifier(List.of(a, b));
        Verdict v = f.classify(SPAM);
        assertEquals((a.classify(SPAM).logOdds() + b.classify(SPAM).logOdds()) / 2, v.logOdds(), 1e-12);
        assertEquals(98.0, v.threshold());
        assertEquals(100 / (1 + Math.exp(-v.logOdds())), v.score(), 1e-9);
    }

    @Test
    void learningTeachesEveryMember() throws ClassifierException {
        BuiltinClassifier a = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        BuiltinClassifier b = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        var f = new FusionClassifier(List.of(a, b));
        for (int i = 0; i < 5; i++) {
            f.classify(SPAM);
            assertEquals(LearnResult.LEARNED, f.learn(SPAM, Label.SPAM));
            f.learn(HAM, Label.HAM);
        }
        assertEquals(5, a.learned(Label.SPAM));
        assertEquals(5, b.learned(Label.HAM));
        assertEquals(Outcome.SPAM, f.classify(SPAM).outcome());
        assertEquals(Outcome.HAM, f.classify(HAM).outcome());
    }

    /** A member that always says the opposite of the truth, loudly. */
    private static final class Liar implements Classifier {
        private boolean nextIsSpam;

        @Override
        public String name() {
            return "liar";
        }

        @Override
        public Verdict classify(byte[] message) {
            double logOdds = nextIsSpam ? -20 : 20;
            return new Verdict(logOdds > 0 ? Outcome.SPAM : Outcome.HAM, logOdds, 0, logOdds, List.of());
        }

        @Override
        public LearnResult learn(byte[] message, Label label) {
            return LearnResult.LEARNED;
        }
    }

    /** Teaches {@code f}, whose second member is {@code liar}, 200 random messages of the two kinds. */
    private static void teach(FusionClassifier f, Liar liar) throws ClassifierException {
        Random random = new Random(SEED);
        for (int i = 0; i < 200; i++) {
            boolean spam = random.nextBoolean();
            liar.nextIsSpam = spam;
            byte[] m = spam ? SPAM : HAM;
            f.classify(m);
            f.learn(m, spam ? Label.SPAM : Label.HAM);
        }
    }

    @Test
    void fusionLearnsToOverruleAMemberThatIsWrong() throws ClassifierException {
        BuiltinClassifier honest = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        Liar liar = new Liar();
        var f = new FusionClassifier(List.of(honest, liar));
        teach(f, liar);
        liar.nextIsSpam = true;
        Verdict spam = f.classify(SPAM);
        liar.nextIsSpam = false;
        Verdict ham = f.classify(HAM);
        assertTrue(spam.logOdds() > 0 && ham.logOdds() < 0, "seed " + SEED + ": " + spam + " " + ham);
        assertEquals(Outcome.HAM, ham.outcome());
    }

    /** A member that tells SPAM from HAM, mildly: its answers never change, so only the combination learns. */
    private static final class Honest implements Classifier {
        @Override
        public String name() {
            return "honest";
        }

        @Override
        public Verdict classify(byte[] message) {
            double logOdds = java.util.Arrays.equals(message, SPAM) ? 3 : -3;
            return new Verdict(logOdds > 0 ? Outcome.SPAM : Outcome.HAM, logOdds, 0, logOdds, List.of());
        }

        @Override
        public LearnResult learn(byte[] message, Label label) {
            return LearnResult.LEARNED;
        }
    }

    @Test
    void aFusionLoadedLaterGoesOnFromTheCombinationTheFirstOneSaved() throws ClassifierException {
        Path weights = dir.resolve("fusion.weights");
        Liar liar = new Liar();
        double learnt;
        try (var first = FusionClassifier.load(List.of(new Honest(), liar), weights)) {
            teach(first, liar);
            first.sync(Map.of());
            liar.nextIsSpam = false;
            learnt = first.classify(HAM).logOdds();
        }
        var second = FusionClassifier.load(List.of(new Honest(), liar), weights);
        assertEquals(learnt, second.classify(HAM).logOdds(), 0);
        assertEquals(Outcome.HAM, second.classify(HAM).outcome());
        var fresh = new FusionClassifier(List.of(new Honest(), liar));
        assertEquals(8.5, fresh.classify(HAM).logOdds(), 1e-12, "untaught, the mean follows the liar");
    }

    @Test
    void withoutASavedCombinationALoadedFusionStartsFromTheMean() throws ClassifierException {
        BuiltinClassifier a = trained(BuiltinOptions.defaults().withMinimums(1, 1), 5);
        Liar liar = new Liar();
        var f = FusionClassifier.load(List.of(a, liar), dir.resolve("none.weights"));
        assertEquals((a.classify(HAM).logOdds() + 20) / 2, f.classify(HAM).logOdds(), 1e-12);
    }

    @Test
    void aCombinationLearntForOtherMembersIsRefusedNamingTheFile() throws ClassifierException {
        Path weights = dir.resolve("fusion.weights");
        Liar liar = new Liar();
        var f = FusionClassifier.load(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), liar), weights);
        f.learn(HAM, Label.HAM);
        f.sync(Map.of());
        ClassifierException e = assertThrows(ClassifierException.class, () -> FusionClassifier.load(
                List.of(liar, BuiltinClassifier.inMemory(BuiltinOptions.defaults())), weights));
        assertEquals("fusion weights " + weights + " were learnt for builtin+liar with 2 weights, not for liar+builtin",
                e.getMessage());
    }

    @Test
    void aCombinationSavedWithABiasGoesOnWithoutIt() throws ClassifierException {
        Path weights = dir.resolve("fusion.weights");
        Liar liar = new Liar();
        // Weights 5 and 1 (scaled inputs: log-odds / 10), bias 7; precision rows (3 1 9) (1 4 9) (9 9 9).
        FusionFile.write(weights, new FusionFile.Contents(List.of("honest", "liar"), true, new double[] {5, 1, 7},
                new double[] {3, 1, 9, 1, 4, 9, 9, 9, 9}));
        var f = FusionClassifier.load(List.of(new Honest(), liar), weights);
        liar.nextIsSpam = false;
        assertEquals(5 * -0.3 + 1 * 2.0, f.classify(HAM).logOdds(), 1e-12, "honest says -3, the liar 20; no bias of 7");
        f.sync(Map.of());
        FusionFile.Contents saved = FusionFile.read(weights);
        assertEquals(List.of(5.0, 1.0), java.util.Arrays.stream(saved.weights()).boxed().toList());
        assertEquals(List.of(3.0, 1.0, 1.0, 4.0), java.util.Arrays.stream(saved.precision()).boxed().toList());
    }

    @Test
    void aCorruptCombinationIsRefusedNamingTheFile() throws Exception {
        Path weights = dir.resolve("fusion.weights");
        Liar liar = new Liar();
        var f = FusionClassifier.load(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), liar), weights);
        f.learn(HAM, Label.HAM);
        f.sync(Map.of());
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 10] ^= 1;
        Files.write(weights, bytes);
        ClassifierException e = assertThrows(ClassifierException.class, () -> FusionClassifier.load(
                List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), liar), weights));
        assertEquals("fusion weights " + weights + " are corrupt: checksum mismatch", e.getMessage());
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
    void theNewtonStepSolvesASymmetricPositiveDefiniteSystem() {
        double[] a = {4, 2, 0.6, 2, 5, 1, 0.6, 1, 3};
        double[] x = {1, -2, 0.5};
        double[] b = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) b[i] += a[i * 3 + j] * x[j];
        }
        double[] solved = FusionClassifier.solve(a, b);
        for (int i = 0; i < 3; i++) assertEquals(x[i], solved[i], 1e-12);
    }

    @Test
    void fusionOfOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FusionClassifier(List.of(BuiltinClassifier.inMemory(BuiltinOptions.defaults()))));
        assertEquals("fusion needs at least two classifiers, got 1", e.getMessage());
    }
}
