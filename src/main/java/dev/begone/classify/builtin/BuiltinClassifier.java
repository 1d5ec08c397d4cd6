package dev.begone.classify.builtin;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The embedded classifier: online logistic regression over hashed binary features (words and word pairs of the
 * message's decoded text; byte 4-grams of its start can be switched on in {@link BuiltinOptions}), trained on every
 * message it is taught, as the TREC 2007 winners were. Each weight has its own AdaGrad step size: a word seen for
 * the first time moves fast, a word seen in thousands of messages barely moves. On the shared corpus this cut
 * 1-ROCA by about half against a single global step. A naive Bayes model over the same features, which learns
 * faster from few examples, is added to the margin (see {@link #margin}).
 *
 * <p>Thread safety: {@link #classify} reads the weights without a lock (an int read never tears; a concurrent
 * update only shifts a score by one step), {@link #learn} and {@link #save} serialise on the model's lock.
 */
public final class BuiltinClassifier implements Classifier {
    /** Margins beyond this add no information and would overflow a probability to exactly 0 or 1. */
    private static final double MAX_LOG_ODDS = 30;
    /**
     * Bounds the first step of a never-seen feature to rate / 0.03: a new feature moves nearly a full step at once.
     * Against 0.01, over the date order and five shuffles: mean 1-ROCA% 0.071 against 0.074, sm%@hm0.1% 7.3
     * against 7.8, spam left unsure 12.1 % against 13.5 %; over eight further shuffles 0.077 against 0.082.
     */
    private static final double ADAGRAD_EPSILON = 0.001;
    /**
     * How much the naive Bayes average counts against the regression. With learning rate 0.03, over the date order
     * and five shuffles, 5 against 3: mean 1-ROCA% 0.095 against 0.092 but sm%@hm0.1% mean 7.7 against 7.9 and
     * worst 9.3 against 12.6 (by date, where the slower regression needs naive Bayes early on); 8 was worse.
     */
    private static final double NB_WEIGHT = 5;
    /** Added to each count: the estimate of P(feature | class) is (count + 0.5) / (class total + 1). */
    private static final double NB_SMOOTHING = 0.5;
    /**
     * Bounds what naive Bayes adds to the margin: on separable mail its average grows without limit and would
     * pin every score to 0 or 1; 2..6 cost little by date. 3 ranked slightly better (mean 1-ROCA% 0.068 against
     * 0.071) but left more spam unsure (13.1 % against 12.1 %).
     */
    private static final double NB_CAP = 4;
    /**
     * A message already scored this surely in its true class teaches the regression nothing (its gradient is below
     * 5e-5), so its update is skipped: same rankings to the fourth decimal, less work. Naive Bayes still counts it.
     */
    private static final double SURE_MARGIN = 10;
    private static final float[] LOG_TABLE = new float[1 << 12];

    static {
        for (int c = 0; c < LOG_TABLE.length; c++) LOG_TABLE[c] = (float) Math.log(c + NB_SMOOTHING);
    }

    private final BuiltinOptions options;
    private final Path modelFile;
    private final Features features;
    /**
     * One 12-byte cell per feature i from {@code 3i}: the regression's weight and its AdaGrad sum of squared
     * gradients (float bits), then how many spam (high 16 bits) and how many ham (low 16 bits) messages had the
     * feature (naive Bayes). Scoring a feature then touches one cache line (two for one cell in eight) instead of
     * two or three: the model is far larger than the caches, and these misses were most of the cost of scoring.
     * Packing the counts keeps 2^20 features at 12.6 MB in memory, under the 16 MB a model may take; 16-byte cells
     * took 16.8 MB. The counts of the bias feature are the class totals, so a model saved before counts existed
     * starts them all at zero and stays consistent. Only the features the model holds take memory (see {@link Cells}).
     */
    private final Cells cells;
    private final Object lock = new Object();
    /**
     * What this thread scored last: evaluation and training flows score a message and then learn the very same
     * array, and extraction is most of the cost.
     */
    private final ThreadLocal<Scored> lastScored = new ThreadLocal<>();
    private final int bias;
    private volatile long spamLearned;
    private volatile long hamLearned;
    /** Counts updates, so that learning can tell whether the margin a thread computed is still the model's. */
    private volatile long version;
    /** Closed, its cells went to the next model loaded: using it would read or change another account's model. */
    private volatile boolean closed;
    /** The lessons the model file holds: those of its last save (see {@link Classifier#sync}). */
    private volatile Map<String, Label> lastSynced;

    private BuiltinClassifier(BuiltinOptions options, Path modelFile, ModelFile.Contents contents) {
        this.options = options;
        this.modelFile = modelFile;
        this.features = new Features(contents.hashBits(), contents.windowBytes(), contents.textBytes());
        this.cells = contents.cells();
        this.bias = features.biasIndex();
        this.spamLearned = contents.spamLearned();
        this.hamLearned = contents.hamLearned();
        this.lastSynced = contents.lessons();
    }

    /** A model kept in memory only ({@link #save} is refused), e.g. for evaluation. */
    public static BuiltinClassifier inMemory(BuiltinOptions options) {
        return new BuiltinClassifier(options, null, ModelFile.Contents.fresh(options));
    }

    /**
     * The lessons of the last save of the model stored in {@code modelFile}, as {@link #lastSynced} of the loaded
     * model would give them, without loading the model; none when there is no file.
     */
    public static Map<String, Label> lessonsIn(Path modelFile) throws ClassifierException {
        return ModelFile.readLessons(modelFile);
    }

    /** Loads the model stored in {@code modelFile}, or starts a fresh one there when the file does not exist. */
    public static BuiltinClassifier load(Path modelFile, BuiltinOptions options) throws ClassifierException {
        Objects.requireNonNull(modelFile, "modelFile");
        return new BuiltinClassifier(options, modelFile, ModelFile.read(modelFile, options));
    }

    /**
     * Saves the model with {@code lessons} when it lives in a file; an in-memory model has nothing to make durable.
     * The lessons are in the very file that holds what they taught, so a crash cannot part the two.
     */
    @Override
    public void sync(Map<String, Label> lessons) throws ClassifierException {
        if (modelFile != null) save(lessons);
    }

    @Override
    public Map<String, Label> lastSynced() {
        return lastSynced;
    }

    /** Writes the model atomically: a crash leaves either the old or the new file, never a torn one. */
    public void save() throws ClassifierException {
        save(Map.of());
    }

    private void save(Map<String, Label> lessons) throws ClassifierException {
        if (modelFile == null) throw new IllegalStateException("this model is in memory only; it has no file");
        checkOpen();
        synchronized (lock) {
            ModelFile.write(modelFile, new ModelFile.Contents(features.hashBits(), features.windowBytes(),
                    features.textBytes(), spamLearned, hamLearned, cells, lessons));
            lastSynced = Map.copyOf(lessons);
        }
    }

    @Override
    public String name() {
        return "builtin";
    }

    /**
     * The checksum guards against a caller that refills the same array with another message; the margin is reused
     * by {@link #learn} only while {@link #version} is still {@code modelVersion}.
     */
    private record Scored(byte[] message, int checksum, int[] features, double margin, long modelVersion) {}

    private static int checksum(byte[] message) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(message);
        return (int) crc.getValue();
    }

    @Override
    public Verdict classify(byte[] message) {
        checkOpen();
        long modelVersion = version;
        int[] idx = features.extract(message);
        double margin = margin(idx);
        lastScored.set(new Scored(message, checksum(message), idx, margin, modelVersion));
        double p = sigmoid(margin);
        double threshold = options.spamThreshold() * 100;
        long spam = spamLearned;
        long ham = hamLearned;
        if (spam < options.minSpam() || ham < options.minHam()) {
            return new Verdict(Outcome.UNSURE, p * 100, threshold, margin, List.of(String.format(
                    Locale.ROOT, "builtin:untrained(spam=%d/%d,ham=%d/%d)",
                    spam, options.minSpam(), ham, options.minHam())));
        }
        Outcome outcome = p > options.spamThreshold() ? Outcome.SPAM
                : p > options.hamThreshold() ? Outcome.UNSURE : Outcome.HAM;
        return new Verdict(outcome, p * 100, threshold, margin,
                List.of(String.format(Locale.ROOT, "builtin:p=%.4f", p)));
    }

    @Override
    public LearnResult learn(byte[] message, Label label) {
        checkOpen();
        Scored last = lastScored.get();
        lastScored.remove();
        boolean same = last != null && last.message() == message && last.checksum() == checksum(message);
        int[] idx = same ? last.features() : features.extract(message);
        double target = label == Label.SPAM ? 1 : 0;
        synchronized (lock) {
            double m = same && last.modelVersion() == version ? last.margin() : margin(idx);
            double g = target - sigmoid(m);
            boolean sure = label == Label.SPAM ? m > SURE_MARGIN : m < -SURE_MARGIN;
            float g2 = (float) (g * g);
            double rate = options.learningRate();
            boolean spam = label == Label.SPAM;
            for (int i : idx) {
                int w = cells.claim(i);
                int[] values = cells.table().values;
                values[w + 2] = counted(values[w + 2], spam);
                if (sure) continue;
                float sum = Float.intBitsToFloat(values[w + 1]) + g2;
                values[w + 1] = Float.floatToRawIntBits(sum);
                values[w] = Float.floatToRawIntBits(
                        Float.intBitsToFloat(values[w]) + (float) (rate * g / Math.sqrt(sum + ADAGRAD_EPSILON)));
            }
            if (label == Label.SPAM) spamLearned++;
            else hamLearned++;
            version++;
        }
        return LearnResult.LEARNED;
    }

    /**
     * Takes back the naive Bayes counts the earlier lesson in the other class added (the message's features and the
     * class total), then learns {@code label}. The regression has no exact inverse of a step; its update towards the
     * new label, from a margin that still carries the old lesson, is larger the surer the old lesson made it.
     */
    @Override
    public LearnResult relearn(byte[] message, Label label) {
        checkOpen();
        int[] idx = features.extract(message);
        synchronized (lock) {
            Cells.Table t = cells.table();
            for (int i : idx) {
                int w = t.offset(i);
                if (w < 0) continue; // no counts to take back
                int c = t.values[w + 2];
                // The other class's count: ham is taken back from a message now learned as spam, and vice versa.
                int spam = spamCount(c);
                int ham = hamCount(c);
                t.values[w + 2] = label == Label.SPAM ? packCounts(spam, Math.max(0, ham - 1))
                        : packCounts(Math.max(0, spam - 1), ham);
            }
            if (label == Label.SPAM && hamLearned > 0) hamLearned--;
            else if (label == Label.HAM && spamLearned > 0) spamLearned--;
        }
        return learn(message, label);
    }

    /** Gives the model's memory to the next model loaded; what was not saved is lost, as a closed model cannot be used. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
        }
        cells.release();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("builtin model " + (modelFile == null ? "in memory" : modelFile) + " is closed");
    }

    /** Bytes the weights, AdaGrad sums and counts take in memory: what the model holds, up to a dense array's 12.6 MB. */
    public long memoryBytes() {
        return cells.memoryBytes();
    }

    /** Largest count a cell holds (16 bits). */
    private static final int MAX_COUNT = 0xFFFF;

    static int spamCount(int packed) {
        return packed >>> 16;
    }

    static int hamCount(int packed) {
        return packed & MAX_COUNT;
    }

    /**
     * Both counts in one int, halved together (rounding up) until the larger fits in 16 bits: naive Bayes reads only
     * their ratio, which halving keeps, and a feature seen in more than 65,535 messages is one whose recent
     * messages may as well count double. Counts loaded from a file saved with larger ones are fitted the same way.
     */
    static int packCounts(int spam, int ham) {
        while (spam > MAX_COUNT || ham > MAX_COUNT) {
            spam = (spam + 1) >>> 1;
            ham = (ham + 1) >>> 1;
        }
        return spam << 16 | ham;
    }

    /** The packed counts with one more message of the class counted. */
    static int counted(int packed, boolean spam) {
        return spam ? packCounts(spamCount(packed) + 1, hamCount(packed)) : packCounts(spamCount(packed), hamCount(packed) + 1);
    }

    /** How many messages of each class the model has learned. */
    public long learned(Label label) {
        return label == Label.SPAM ? spamLearned : hamLearned;
    }

    /**
     * The regression's sum plus {@link #NB_WEIGHT} times the naive Bayes log-odds averaged over the message's
     * features, bounded by {@link #NB_CAP}. A generative model learns from few examples faster than a discriminative one (Ng and Jordan
     * 2002): by date the stream starts with 160 spam before the 20th ham, and the regression alone files the early
     * ham newsletters badly. Averaging instead of summing keeps a long message from drowning the regression in
     * the naive Bayes overconfidence. The regression learns from this combined margin, so it corrects what naive
     * Bayes gets wrong instead of duplicating what it gets right. On the shared corpus this took 1-ROCA% by date
     * from 0.077 to 0.057 and by two shuffles from 0.125/0.129 to 0.111/0.113.
     */
    private double margin(int[] idx) {
        Cells.Table t = cells.table();
        int[] values = t.values;
        double sum = 0;
        double nb = 0;
        for (int i : idx) {
            int w = t.offset(i);
            if (w < 0) continue; // weight 0, counts 0: adds nothing
            sum += Float.intBitsToFloat(values[w]);
            int counts = values[w + 2];
            nb += smoothedLog(spamCount(counts)) - smoothedLog(hamCount(counts));
        }
        int biasCell = t.offset(bias);
        int classCounts = biasCell < 0 ? 0 : values[biasCell + 2];
        double classes = Math.log((hamCount(classCounts) + 2 * NB_SMOOTHING) / (spamCount(classCounts) + 2 * NB_SMOOTHING));
        sum += Math.max(-NB_CAP, Math.min(NB_CAP, NB_WEIGHT * (nb / idx.length + classes)));
        return Math.max(-MAX_LOG_ODDS, Math.min(MAX_LOG_ODDS, sum));
    }

    /** log(c + smoothing), from a table for the small counts nearly every feature has. */
    private static double smoothedLog(int c) {
        return c < LOG_TABLE.length ? LOG_TABLE[c] : Math.log(c + NB_SMOOTHING);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
