package dev.begone.classify.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BuiltinClassifierTest {
    private static final long SEED = 20240611L;
    private static final String[] SPAM_WORDS = {"viagra", "winner", "prize", "cheap", "mortgage", "casino", "free", "offer"};
    private static final String[] HAM_WORDS = {"meeting", "patch", "review", "lunch", "kernel", "release", "thanks", "agenda"};

    @TempDir
    Path dir;

    static byte[] synthetic(Random random, boolean spam) {
        String[] words = spam ? SPAM_WORDS : HAM_WORDS;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 40; i++) body.append(words[random.nextInt(words.length)]).append(' ');
        String text = "From: " + (spam ? "deals@offers.example" : "colleague@work.example") + "\n"
                + "Subject: " + words[random.nextInt(words.length)] + "\n\n" + body + "\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static BuiltinClassifier trained(BuiltinClassifier c, int perClass) {
        Random random = new Random(SEED);
        for (int i = 0; i < perClass; i++) {
            c.learn(synthetic(random, true), Label.SPAM);
            c.learn(synthetic(random, false), Label.HAM);
        }
        return c;
    }

    @Test
    void abstainsUntilItHasLearnedTheMinimumOfBothClasses() {
        BuiltinClassifier c = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(3, 2));
        Random random = new Random(SEED);
        for (int i = 0; i < 5; i++) c.learn(synthetic(random, true), Label.SPAM);
        c.learn(synthetic(random, false), Label.HAM);
        Verdict v = c.classify(synthetic(random, true));
        assertEquals(Outcome.UNSURE, v.outcome());
        assertEquals(List.of("builtin:untrained(spam=5/3,ham=1/2)"), v.reasons());
        c.learn(synthetic(random, false), Label.HAM);
        assertEquals(Outcome.SPAM, c.classify(synthetic(random, true)).outcome());
    }

    @Test
    void freshModelWithDefaultsNeverCallsAnythingSpam() {
        BuiltinClassifier c = BuiltinClassifier.inMemory(BuiltinOptions.defaults());
        assertEquals(Outcome.UNSURE, c.classify(synthetic(new Random(SEED), true)).outcome());
    }

    @Test
    void learnsToSeparateSpamFromHamWithCalibratedScores() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), 30);
        Random random = new Random(SEED + 1);
        Verdict spam = c.classify(synthetic(random, true));
        Verdict ham = c.classify(synthetic(random, false));
        assertEquals(Outcome.SPAM, spam.outcome());
        assertEquals(Outcome.HAM, ham.outcome());
        assertEquals(98.0, spam.threshold());
        assertEquals(100 / (1 + Math.exp(-spam.logOdds())), spam.score(), 1e-9);
        assertTrue(spam.reasons().get(0).startsWith("builtin:p=0.9"), spam.reasons().toString());
        assertEquals(LearnResult.LEARNED, c.learn(synthetic(random, true), Label.SPAM));
    }

    @Test
    void thresholdComesFromTheOptions() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults().withSpamThreshold(0.9999999)), 30);
        Verdict v = c.classify(synthetic(new Random(SEED + 2), true));
        assertEquals(99.99999, v.threshold(), 1e-9);
    }

    @Test
    void scoresBetweenTheHamAndSpamThresholdsAreUnsure() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), 30);
        byte[] mixed = ("From: colleague@work.example\nSubject: lunch\n\n"
                + "meeting agenda patch review winner prize casino cheap\n").getBytes(StandardCharsets.US_ASCII);
        double p = c.classify(mixed).score() / 100;
        BuiltinOptions band = BuiltinOptions.defaults().withThresholds(Math.min(0.99, p + 0.01), Math.max(0.01, p - 0.01));
        Verdict v = trained(BuiltinClassifier.inMemory(band), 30).classify(mixed);
        assertEquals(Outcome.UNSURE, v.outcome(), "p=" + p);
        assertEquals(100 * band.spamThreshold(), v.threshold(), 1e-9);
    }

    @Test
    void defaultsFileSpamOnlyWhenSureAndLeaveTheMiddleUnsure() {
        BuiltinOptions d = BuiltinOptions.defaults();
        assertEquals(0.98, d.spamThreshold());
        assertEquals(0.5, d.hamThreshold());
    }

    @Test
    void otherFiltersHeadersDoNotChangeTheScore() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults().withFeatureSpace(20, 3000, 4000)), 30);
        String plain = "From: a@b.example\nSubject: lunch agenda\n\nthanks for the patch review\n";
        String marked = "From: a@b.example\nX-Spam-Status: Yes, score=99.0 required=5.0\nX-Spam-Flag: YES\n"
                + "X-Bogosity: Spam, tests=bogofilter\nX-Rspamd-Score: 20\nX-DSPAM-Result: Spam\n"
                + "x-spam-report: folded\n  continuation line viagra casino\nSubject: lunch agenda\n\nthanks for the patch review\n";
        assertEquals(c.classify(plain.getBytes(StandardCharsets.US_ASCII)).logOdds(),
                c.classify(marked.getBytes(StandardCharsets.US_ASCII)).logOdds(), 1e-12);
    }

    @Test
    void crlfAndLfCopiesOfAMessageScoreTheSame() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults().withFeatureSpace(20, 3000, 4000)), 30);
        String lf = "From: a@b.example\nSubject: cheap offer\n\nwinner prize casino\n";
        assertEquals(c.classify(lf.getBytes(StandardCharsets.US_ASCII)).logOdds(),
                c.classify(lf.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII)).logOdds(), 1e-12);
    }

    @Test
    void base64BodiesAreScoredByTheirDecodedWords() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), 30);
        String words = "viagra winner prize cheap mortgage casino free offer ".repeat(5);
        String encoded = java.util.Base64.getMimeEncoder().encodeToString(words.getBytes(StandardCharsets.US_ASCII));
        String message = "From: x@y.example\nSubject: hello\nContent-Transfer-Encoding: base64\n\n" + encoded + "\n";
        assertEquals(Outcome.SPAM, c.classify(message.getBytes(StandardCharsets.US_ASCII)).outcome());
    }

    @Test
    void malformedMessagesAreScoredWithoutException() {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults().withFeatureSpace(20, 3000, 4000)), 30);
        byte[] megaLine = new byte[1 << 20];
        Arrays.fill(megaLine, (byte) 'A');
        byte[] nuls = new byte[5000];
        byte[] randomBytes = new byte[20000];
        new Random(SEED).nextBytes(randomBytes);
        List<byte[]> variants = List.of(
                new byte[0],
                "F".getBytes(StandardCharsets.US_ASCII),
                "From ".getBytes(StandardCharsets.US_ASCII),
                "Subject: no body, no newline".getBytes(StandardCharsets.US_ASCII),
                ("Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Transfer-Encoding: base64\n\nSGVsbG8gd29y")
                        .getBytes(StandardCharsets.US_ASCII),
                "Content-Transfer-Encoding: base64\n\n!!!@@@***=====\n====\n".getBytes(StandardCharsets.US_ASCII),
                "Content-Transfer-Encoding: quoted-printable\n\n=ZZ=4=\n=".getBytes(StandardCharsets.US_ASCII),
                "Content-Type: text/plain; charset=x-unknown-klingon\n\n\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1),
                nuls,
                megaLine,
                concat("Subject: long\n\n".getBytes(StandardCharsets.US_ASCII), megaLine),
                randomBytes);
        for (byte[] m : variants) {
            Verdict v = c.classify(m);
            assertFalse(Double.isNaN(v.logOdds()));
            c.learn(m, Label.HAM);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void learningAMessageJustScoredTeachesExactlyWhatLearningItColdDoes() {
        BuiltinClassifier scoredFirst = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        BuiltinClassifier cold = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(1, 1));
        Random random = new Random(SEED + 4);
        for (int i = 0; i < 60; i++) {
            boolean spam = random.nextBoolean();
            byte[] m = synthetic(random, spam);
            Label label = spam ? Label.SPAM : Label.HAM;
            scoredFirst.classify(m);
            scoredFirst.learn(m, label);
            cold.learn(m, label);
        }
        // the same array refilled with another message between scoring and learning is not mistaken for the first
        byte[] reused = synthetic(random, true);
        scoredFirst.classify(reused);
        byte[] ham = synthetic(random, false);
        System.arraycopy(ham, 0, reused, 0, Math.min(ham.length, reused.length));
        scoredFirst.learn(reused, Label.HAM);
        cold.learn(reused.clone(), Label.HAM);
        for (int i = 0; i < 10; i++) {
            byte[] m = synthetic(random, i % 2 == 0);
            assertEquals(cold.classify(m).logOdds(), scoredFirst.classify(m).logOdds(), 0);
        }
    }

    @Test
    void savedModelLoadsWithTheSameScoresAndCounts() throws Exception {
        Path file = dir.resolve("model.bin");
        BuiltinClassifier c = trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 30);
        c.save();
        BuiltinClassifier loaded = BuiltinClassifier.load(file, BuiltinOptions.defaults());
        assertEquals(30, loaded.learned(Label.SPAM));
        assertEquals(30, loaded.learned(Label.HAM));
        Random random = new Random(SEED + 3);
        for (int i = 0; i < 10; i++) {
            byte[] m = synthetic(random, i % 2 == 0);
            // float16 storage rounds each weight by at most 1 part in 2048
            assertEquals(c.classify(m).logOdds(), loaded.classify(m).logOdds(), 0.01);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp file may be left behind");
        }
    }

    @Test
    void theLessonsOfASyncAreSavedInTheModelFileAndLoadedBackAndEachSyncReplacesThem() throws Exception {
        Path file = dir.resolve("model.bin");
        BuiltinClassifier c = trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 5);
        Map<String, Label> first = Map.of("a".repeat(64), Label.SPAM, "b".repeat(64), Label.HAM, "ünïcode", Label.HAM);
        c.sync(first);
        assertEquals(first, c.lastSynced());
        BuiltinClassifier loaded = BuiltinClassifier.load(file, BuiltinOptions.defaults());
        assertEquals(first, loaded.lastSynced());
        assertEquals(first, BuiltinClassifier.lessonsIn(file), "read alone, without the model");
        assertEquals(5, loaded.learned(Label.SPAM));

        loaded.sync(Map.of("c".repeat(64), Label.SPAM));
        assertEquals(Map.of("c".repeat(64), Label.SPAM), BuiltinClassifier.load(file, BuiltinOptions.defaults()).lastSynced());
    }

    @Test
    void everyCellSurvivesASaveAsFloat16WhateverTheRunsOfEmptyCells() throws Exception {
        Random random = new Random(SEED + 7);
        int[] cells = new int[3 << 16];
        for (int i = 0; i < cells.length / 3; ) {
            // runs of filled and of empty cells, of one cell up to a few thousand, and one empty cell of sub-float16 dust
            int run = 1 + random.nextInt(random.nextBoolean() ? 3 : 3000);
            boolean filled = random.nextBoolean();
            for (int end = Math.min(cells.length / 3, i + run); i < end; i++) {
                if (!filled) continue;
                cells[3 * i] = Float.floatToRawIntBits((float) random.nextGaussian());
                cells[3 * i + 1] = Float.floatToRawIntBits(random.nextFloat() * 50);
                cells[3 * i + 2] = BuiltinClassifier.packCounts(random.nextInt(70_000), random.nextInt(100));
            }
        }
        cells[3 * 5] = Float.floatToRawIntBits(1e-9f);
        Path file = dir.resolve("model.bin");
        ModelFile.write(file, new ModelFile.Contents(16, 0, 4000, 3, 4, cellsOf(16, cells), Map.of("k", Label.HAM)));

        ModelFile.Contents back = ModelFile.read(file, BuiltinOptions.defaults());
        int[] expected = cells.clone();
        for (int i = 0; i < expected.length; i++) {
            if (i % 3 != 2) expected[i] = Float.floatToRawIntBits(Float.float16ToFloat(Float.floatToFloat16(Float.intBitsToFloat(cells[i]))));
        }
        assertTrue(Arrays.equals(expected, dense(back.cells())), "cells differ after a save and a load");
        assertEquals(Map.of("k", Label.HAM), back.lessons());
        assertEquals(16, back.hashBits());
    }

    @Test
    void aDenseModelFileOfVersionThreeLoadsWithTheSameScoresCountsAndLessons() throws Exception {
        Path file = dir.resolve("model.bin");
        BuiltinClassifier c = trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 30);
        Map<String, Label> lessons = Map.of("a".repeat(64), Label.SPAM, "ünïcode", Label.HAM);
        c.sync(lessons);
        Files.write(file, denseModelFile(3, ModelFile.read(file, BuiltinOptions.defaults())));

        BuiltinClassifier loaded = BuiltinClassifier.load(file, BuiltinOptions.defaults());
        assertEquals(30, loaded.learned(Label.SPAM));
        assertEquals(lessons, loaded.lastSynced());
        assertEquals(lessons, BuiltinClassifier.lessonsIn(file));
        Random random = new Random(SEED + 3);
        for (int i = 0; i < 10; i++) {
            byte[] m = synthetic(random, i % 2 == 0);
            // both files hold the weights as float16: the scores are the same to the last bit
            assertEquals(BuiltinClassifier.load(dir.resolve("model.bin"), BuiltinOptions.defaults()).classify(m).logOdds(),
                    loaded.classify(m).logOdds(), 0);
        }
    }

    @Test
    void aModelFileOfVersionTwoWrittenBeforeLessonsLoadsWithNone() throws Exception {
        Path file = dir.resolve("model.bin");
        trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 7).sync(Map.of("a".repeat(64), Label.SPAM));
        Files.write(file, denseModelFile(2, ModelFile.read(file, BuiltinOptions.defaults())));

        BuiltinClassifier loaded = BuiltinClassifier.load(file, BuiltinOptions.defaults());
        assertEquals(7, loaded.learned(Label.SPAM));
        assertEquals(Map.of(), loaded.lastSynced());
    }

    /** Cells holding {@code dense}'s three ints per feature, every feature claimed as a model learning them would. */
    private static Cells cellsOf(int hashBits, int[] dense) {
        Cells cells = Cells.empty(hashBits);
        for (int i = 0; i < dense.length / 3; i++) {
            if (dense[3 * i] == 0 && dense[3 * i + 1] == 0 && dense[3 * i + 2] == 0) continue;
            int w = cells.claim(i);
            System.arraycopy(dense, 3 * i, cells.table().values, w, 3);
        }
        return cells;
    }

    /** Three ints per feature, zeros for the features the cells do not hold. */
    private static int[] dense(Cells cells) {
        Cells.Table t = cells.table();
        int[] dense = new int[3 << cells.hashBits()];
        for (int i = 0; i < dense.length / 3; i++) {
            int w = t.offset(i);
            if (w >= 0) System.arraycopy(t.values, w, dense, 3 * i, 3);
        }
        return dense;
    }

    /**
     * The model as versions 2 and 3 wrote it: every weight, every AdaGrad sum (float16), every cell's spam and ham
     * counts (int32), then (version 3) the lessons, little-endian and deflated; the header's lesson length (version 3)
     * and CRC32C of the payload, big-endian.
     */
    private static byte[] denseModelFile(int version, ModelFile.Contents c) throws IOException {
        int[] cells = dense(c.cells());
        int n = cells.length / 3;
        java.io.ByteArrayOutputStream lessons = new java.io.ByteArrayOutputStream();
        if (version >= 3) {
            for (Map.Entry<String, Label> l : c.lessons().entrySet()) {
                byte[] key = l.getKey().getBytes(StandardCharsets.UTF_8);
                lessons.write(l.getValue() == Label.SPAM ? 0 : 1);
                lessons.write(key.length);
                lessons.write(key.length >>> 8);
                lessons.writeBytes(key);
            }
        }
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(12 * n + lessons.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) raw.putShort(Float.floatToFloat16(Float.intBitsToFloat(cells[3 * i])));
        for (int i = 0; i < n; i++) raw.putShort(Float.floatToFloat16(Float.intBitsToFloat(cells[3 * i + 1])));
        for (int i = 0; i < n; i++) {
            raw.putInt(BuiltinClassifier.spamCount(cells[3 * i + 2]));
            raw.putInt(BuiltinClassifier.hamCount(cells[3 * i + 2]));
        }
        raw.put(lessons.toByteArray());
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(raw.array());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream data = new java.io.DataOutputStream(out);
        data.write("begone-builtin\n".getBytes(StandardCharsets.US_ASCII));
        data.writeInt(version);
        data.writeInt(c.hashBits());
        data.writeInt(c.windowBytes());
        data.writeInt(c.textBytes());
        data.writeLong(c.spamLearned());
        data.writeLong(c.hamLearned());
        if (version >= 3) data.writeInt(lessons.size());
        data.writeInt((int) crc.getValue());
        try (java.util.zip.DeflaterOutputStream deflated = new java.util.zip.DeflaterOutputStream(out)) {
            deflated.write(raw.array());
        }
        return out.toByteArray();
    }

    /** begone watch loads and closes models all day: a model loaded into a closed one's memory holds only its own. */
    @Test
    void aModelLoadedAfterAnotherClosedHoldsNothingOfTheClosedOneAndTheClosedOneRefusesUse() throws Exception {
        BuiltinClassifier trained = trained(BuiltinClassifier.load(dir.resolve("trained.bin"), BuiltinOptions.defaults()), 30);
        trained.save();
        byte[] probe = synthetic(new Random(SEED + 9), true);
        double fresh = BuiltinClassifier.inMemory(BuiltinOptions.defaults().withMinimums(0, 0)).classify(probe).logOdds();
        trained.close();

        BuiltinClassifier next = BuiltinClassifier.load(dir.resolve("other.bin"), BuiltinOptions.defaults().withMinimums(0, 0));
        assertEquals(fresh, next.classify(probe).logOdds(), 0);
        assertEquals(0, next.learned(Label.SPAM));
        assertThrows(IllegalStateException.class, () -> trained.classify(probe));
        assertThrows(IllegalStateException.class, () -> trained.learn(probe, Label.SPAM));
        assertThrows(IllegalStateException.class, trained::save);
    }

    @Test
    void missingModelFileIsAFreshModel() throws ClassifierException {
        assertEquals(Map.of(), BuiltinClassifier.lessonsIn(dir.resolve("absent.bin")));
        BuiltinClassifier c = BuiltinClassifier.load(dir.resolve("absent.bin"), BuiltinOptions.defaults());
        assertEquals(0, c.learned(Label.SPAM));
        assertFalse(Files.exists(dir.resolve("absent.bin")));
    }

    @Test
    void corruptModelFileIsRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("model.bin");
        trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 5).save();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(dir.resolve("truncated.bin"), Arrays.copyOf(bytes, bytes.length / 2));
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(dir.resolve("flipped.bin"), bytes);
        Files.writeString(dir.resolve("text.bin"), "hello");
        for (String name : List.of("truncated.bin", "flipped.bin", "text.bin")) {
            ClassifierException e = assertThrows(ClassifierException.class,
                    () -> BuiltinClassifier.load(dir.resolve(name), BuiltinOptions.defaults()));
            assertTrue(e.getMessage().contains(dir.resolve(name).toString()) && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void modelFileIsSmallAndLoadsQuickly() throws Exception {
        Path file = dir.resolve("model.bin");
        trained(BuiltinClassifier.load(file, BuiltinOptions.defaults()), 200).save();
        long size = Files.size(file);
        long start = System.nanoTime();
        BuiltinClassifier.load(file, BuiltinOptions.defaults());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("model file %d bytes, loaded in %d ms%n", size, millis);
        assertTrue(size < 5_000_000, "model file too big: " + size);
    }

    @Test
    void aModelTakesMemoryForWhatItHoldsAndUnderSixteenMegabytesWhenFull() {
        BuiltinClassifier c = BuiltinClassifier.inMemory(BuiltinOptions.defaults());
        assertTrue(c.memoryBytes() < 64_000, "a fresh model takes " + c.memoryBytes() + " bytes");
        trained(c, 20);
        assertTrue(c.memoryBytes() < 1_000_000, "a model of 40 messages takes " + c.memoryBytes() + " bytes");

        // Messages of words never seen before fill the feature space until the model is one dense array.
        Random random = new Random(SEED + 9);
        for (int i = 0; i < 5_000 && c.memoryBytes() < 12_000_000; i++) c.learn(unheardOf(random), i % 2 == 0 ? Label.SPAM : Label.HAM);
        assertTrue(c.memoryBytes() >= 12_000_000, "still a table after 5,000 messages of new words: " + c.memoryBytes());
        assertTrue(c.memoryBytes() < 16_000_000, "a full model takes " + c.memoryBytes() + " bytes");
    }

    /** A message of 80 random words, most of its features new to any model. */
    private static byte[] unheardOf(Random random) {
        StringBuilder body = new StringBuilder("From: x@y.example\nSubject: z\n\n");
        for (int w = 0; w < 80; w++) {
            for (int k = 0; k < 7; k++) body.append((char) ('a' + random.nextInt(26)));
            body.append(' ');
        }
        return body.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void countsPastSixteenBitsAreHalvedTogetherKeepingTheirRatio() {
        int packed = BuiltinClassifier.packCounts(65_535, 999);
        assertEquals(65_535, BuiltinClassifier.spamCount(packed));
        assertEquals(999, BuiltinClassifier.hamCount(packed));
        int halved = BuiltinClassifier.counted(packed, true);
        assertEquals(32_768, BuiltinClassifier.spamCount(halved));
        assertEquals(500, BuiltinClassifier.hamCount(halved));
        int loaded = BuiltinClassifier.packCounts(1_000_000, 3);
        assertEquals(62_500, BuiltinClassifier.spamCount(loaded));
        assertEquals(1, BuiltinClassifier.hamCount(loaded));
    }

    @Test
    void scoringRunsConcurrentlyWithLearning() throws Exception {
        BuiltinClassifier c = trained(BuiltinClassifier.inMemory(BuiltinOptions.defaults()), 30);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = SEED + 10 + t;
                boolean learner = t == 0;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        boolean spam = random.nextBoolean();
                        byte[] m = synthetic(random, spam);
                        if (learner) c.learn(m, spam ? Label.SPAM : Label.HAM);
                        else assertEquals(spam ? Outcome.SPAM : Outcome.HAM, c.classify(m).outcome());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(30 + futuresLearnedSpam(), c.learned(Label.SPAM));
    }

    private static long futuresLearnedSpam() {
        Random random = new Random(SEED + 10);
        long spam = 0;
        for (int i = 0; i < 300; i++) {
            boolean s = random.nextBoolean();
            synthetic(random, s);
            if (s) spam++;
        }
        return spam;
    }

    @Test
    void optionsRejectNonsenseNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinOptions.defaults().withSpamThreshold(1.5));
        assertEquals("spamThreshold must be a probability in (0, 1): 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuiltinOptions.defaults().withThresholds(0.6, 0.7));
        assertEquals("hamThreshold must be a probability in (0, spamThreshold]: 0.7", e.getMessage());
    }

}
