package dev.begone.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Combines classifiers by online stacking: a small logistic regression over the members' log-odds, taught by the
 * same feedback that teaches the members. Members speak different scales (SpamAssassin points, Rspamd points, the
 * built-in's calibrated log-odds); a plain average let the wider, weaker one drag the fused ranking down
 * (rspamd+builtin 1-ROCA% 0.20 against the built-in's 0.057 alone). The regression learns how far to trust each
 * member, and its output is a probability again, so one band applies whatever the members are.
 *
 * <p>Until its first lesson it is the plain mean of the log-odds of the members that are sure (of all when none
 * is), as averaging was. The regression starts from equal weights, each with its own AdaGrad step, and takes
 * every member's log-odds, UNSURE or not: leaving out the built-in while it abstained took rspamd+builtin's
 * 1-ROCA% by date from 0.054 to 0.101, since an abstaining model's score still ranks. When every member is
 * UNSURE the fusion is UNSURE too. Otherwise the outcome is SPAM above
 * {@link #SPAM_PROBABILITY}, HAM at or below {@link #HAM_PROBABILITY}, UNSURE between, as for the built-in
 * classifier. The fused score is the probability in percent, against a threshold of 98.
 *
 * <p>The combination is learnt per account: {@link #load} keeps it in a file that {@link #sync} replaces atomically
 * after the members made their own learning durable, so the next run goes on from it instead of from the mean.
 *
 * <p>Thread safety: {@link #classify} reads the weights without a lock (a stale weight only shifts a score by one
 * step); {@link #learn} and {@link #sync} serialise on the combination's lock.
 */
public final class FusionClassifier implements Classifier {
    static final double SPAM_PROBABILITY = 0.98;
    static final double HAM_PROBABILITY = 0.5;
    /** Log-odds beyond this say no more; it keeps one member's 1000 points from swamping the update. */
    private static final double LIMIT = 30;
    /** Inputs are log-odds / SCALE, so they stay within ±3 where one learning rate suits every weight. */
    private static final double SCALE = 10;
    /**
     * Fast, because the stream's first messages count as much as its last: by date, rspamd+builtin had 1-ROCA%
     * 0.061 at 0.1 (epsilon 1), 0.054 at 0.2 (epsilon 0.001), 0.059 at 1.
     */
    private static final double RATE = 0.2;
    private static final double ADAGRAD_EPSILON = 0.001;
    private final List<Classifier> members;
    /** Where the combination is kept, or null for one that lives as long as this object. */
    private final Path weightsFile;
    /** One weight per member, then the bias; each with its AdaGrad sum of squared gradients. */
    private final double[] weights;
    private final double[] squares;
    private final Object lock = new Object();
    /** The members' verdicts on the message this thread scored last: learning it right after needs them again. */
    private final ThreadLocal<Scored> lastScored = new ThreadLocal<>();
    private volatile boolean taught;

    private record Scored(byte[] message, int hash, Verdict[] verdicts) {}

    /** A fusion whose combination starts from the members' mean and lives in memory only. */
    public FusionClassifier(List<? extends Classifier> members) {
        this(members, null);
    }

    private FusionClassifier(List<? extends Classifier> members, Path weightsFile) {
        if (members.size() < 2) throw new IllegalArgumentException("fusion needs at least two classifiers, got " + members.size());
        this.members = List.copyOf(members);
        this.weightsFile = weightsFile;
        this.weights = new double[members.size() + 1];
        this.squares = new double[members.size() + 1];
        for (int j = 0; j < members.size(); j++) weights[j] = SCALE / members.size();
    }

    /**
     * A fusion that goes on from the combination stored in {@code weightsFile}, or starts from the members' mean
     * when there is none; {@link #sync} saves it there. A file learnt for other members is refused.
     */
    public static FusionClassifier load(List<? extends Classifier> members, Path weightsFile) throws ClassifierException {
        FusionClassifier f = new FusionClassifier(members, Objects.requireNonNull(weightsFile, "weightsFile"));
        FusionFile.Contents c = FusionFile.read(weightsFile);
        if (c == null) return f;
        List<String> names = f.members.stream().map(Classifier::name).toList();
        if (!c.members().equals(names) || c.weights().length != f.weights.length) {
            throw new ClassifierException("fusion weights " + weightsFile + " were learnt for "
                    + String.join("+", c.members()) + " with " + c.weights().length + " weights, not for " + f.name());
        }
        System.arraycopy(c.weights(), 0, f.weights, 0, f.weights.length);
        System.arraycopy(c.squares(), 0, f.squares, 0, f.squares.length);
        f.taught = c.taught();
        return f;
    }

    public List<Classifier> members() {
        return members;
    }

    @Override
    public String name() {
        return members.stream().map(Classifier::name).collect(Collectors.joining("+"));
    }

    @Override
    public Verdict classify(byte[] message) throws ClassifierException {
        Verdict[] verdicts = new Verdict[members.size()];
        List<String> reasons = new ArrayList<>();
        boolean anySure = false;
        for (int j = 0; j < verdicts.length; j++) {
            Classifier member = members.get(j);
            Verdict v = member.classify(message);
            verdicts[j] = v;
            anySure |= v.outcome() != Outcome.UNSURE;
            reasons.add(String.format(Locale.ROOT, "%s:%s(%.2f)", member.name(), v.outcome().name().toLowerCase(Locale.ROOT), v.logOdds()));
            reasons.addAll(v.reasons());
        }
        lastScored.set(new Scored(message, java.util.Arrays.hashCode(message), verdicts));
        double margin = taught ? margin(inputs(verdicts)) : mean(verdicts, anySure);
        double p = sigmoid(margin);
        Outcome outcome = !anySure ? Outcome.UNSURE
                : p > SPAM_PROBABILITY ? Outcome.SPAM : p > HAM_PROBABILITY ? Outcome.UNSURE : Outcome.HAM;
        return new Verdict(outcome, p * 100, SPAM_PROBABILITY * 100, margin, reasons);
    }

    /**
     * Teaches the combination with the members' verdicts from before this lesson, then every member;
     * ALREADY_KNOWN only when every member already knew the message.
     */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        return teach(message, label, false);
    }

    /** As {@link #learn}, but each member takes its earlier lesson in the other class back. */
    @Override
    public LearnResult relearn(byte[] message, Label label) throws ClassifierException {
        return teach(message, label, true);
    }

    private LearnResult teach(byte[] message, Label label, boolean correction) throws ClassifierException {
        Scored last = lastScored.get();
        Verdict[] verdicts;
        if (last != null && last.message() == message && last.hash() == java.util.Arrays.hashCode(message)) {
            verdicts = last.verdicts();
        } else {
            verdicts = new Verdict[members.size()];
            for (int j = 0; j < verdicts.length; j++) verdicts[j] = members.get(j).classify(message);
        }
        lastScored.remove();
        double[] x = inputs(verdicts);
        synchronized (lock) {
            double g = (label == Label.SPAM ? 1 : 0) - sigmoid(margin(x));
            for (int j = 0; j < x.length; j++) {
                double gj = g * x[j];
                squares[j] += gj * gj;
                weights[j] += RATE * gj / Math.sqrt(squares[j] + ADAGRAD_EPSILON);
            }
            taught = true;
        }
        boolean learned = false;
        for (Classifier member : members) {
            learned |= (correction ? member.relearn(message, label) : member.learn(message, label)) == LearnResult.LEARNED;
        }
        return learned ? LearnResult.LEARNED : LearnResult.ALREADY_KNOWN;
    }

    /** The mean log-odds of the sure members, or of all when none is sure. */
    private static double mean(Verdict[] verdicts, boolean anySure) {
        double sum = 0;
        int n = 0;
        for (Verdict v : verdicts) {
            if (anySure && v.outcome() == Outcome.UNSURE) continue;
            sum += v.logOdds();
            n++;
        }
        return sum / n;
    }

    /** Each member's bounded, scaled log-odds, then 1 for the bias. */
    private static double[] inputs(Verdict[] verdicts) {
        double[] x = new double[verdicts.length + 1];
        for (int j = 0; j < verdicts.length; j++) x[j] = Math.max(-LIMIT, Math.min(LIMIT, verdicts[j].logOdds())) / SCALE;
        x[verdicts.length] = 1;
        return x;
    }

    private double margin(double[] x) {
        double m = 0;
        for (int j = 0; j < x.length; j++) m += weights[j] * x[j];
        return m;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Makes every member's learning durable, then the combination's (when it has a file). */
    @Override
    public void sync() throws ClassifierException {
        for (Classifier member : members) member.sync();
        if (weightsFile == null) return;
        // Under the lock, so that two syncs cannot overwrite a newer combination with an older one.
        synchronized (lock) {
            FusionFile.write(weightsFile, new FusionFile.Contents(members.stream().map(Classifier::name).toList(),
                    taught, weights, squares));
        }
    }

    /** Closes every member even when one fails; the first failure is thrown, later ones are suppressed into it. */
    @Override
    public void close() throws ClassifierException {
        ClassifierException first = null;
        for (Classifier member : members) {
            try {
                member.close();
            } catch (ClassifierException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
