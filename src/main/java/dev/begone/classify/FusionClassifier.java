package dev.begone.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Combines classifiers by online stacking: a small logistic regression over the members' log-odds, taught by the
 * same feedback that teaches the members. Members speak different scales (SpamAssassin points, Rspamd points, the
 * built-in's calibrated log-odds); a plain average let the wider, weaker one drag the fused ranking down
 * (rspamd+builtin 1-ROCA% 0.20 against the built-in's 0.057 alone). The regression learns how far to trust each
 * member, and its output is a probability again, so one band applies whatever the members are.
 *
 * <p>The regression is Bayesian and online (the Laplace approximation, as in an extended Kalman filter): the weights
 * start from the members' mean with a Gaussian prior of precision {@link #PRIOR_PRECISION}, and each lesson adds
 * its curvature p(1-p)xx' to the precision and moves the weights by the precision's inverse times its gradient, a
 * Newton step. It reaches in tens of lessons what a batch fit over the stream gives; with one AdaGrad step per
 * weight (rate 0.2), Rspamd still had 0.55 of the built-in's weight after 6,000 messages where a batch fit gives it
 * 0.25-0.33, and spamd+builtin misfiled 0.12 % of ham by date at the default threshold.
 *
 * <p>Until its first lesson it is the plain mean of the log-odds of the members that are sure (of all when none
 * is), as averaging was. The regression takes every member's log-odds, UNSURE or not: leaving out the built-in
 * while it abstained took rspamd+builtin's 1-ROCA% by date from 0.054 to 0.101, since an abstaining model's score
 * still ranks. When every member is UNSURE the fusion is UNSURE too. Otherwise the outcome is SPAM above
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
    /** Inputs are log-odds / SCALE, so they stay within ±3, the range the prior below is stated in. */
    private static final double SCALE = 10;
    /**
     * How firmly the combination starts from the members' mean: the precision of the Gaussian prior on each weight.
     * Without the bias, rspamd+builtin by date and shuffle 1 (1-ROCA%, sm%@hm0.1%): at 30, 0.067/11.7 and
     * 0.065/9.2; at 3, 0.057/8.9 and 0.058/7.7; at 1, 0.055/9.1 and 0.058/7.7; at 0.3, 0.055/8.8 and 0.058/7.3;
     * at 0.1, 0.057/9.2 and 0.059/7.1. Checked on shuffle 2, not used to choose: 0.049/5.4 at 0.3 against
     * 0.052/6.0 at 3 (the built-in alone 0.059/6.6). A weak prior lets the weak member's weight fall fast.
     */
    private static final double PRIOR_PRECISION = 0.3;
    private final List<Classifier> members;
    /** Where the combination is kept, or null for one that lives as long as this object. */
    private final Path weightsFile;
    /**
     * One weight per member, and no bias: the members' log-odds already carry the class prior. A learnt bias chased
     * the stream's runs instead (by date the corpus opens with 158 spam in a row), shifting the fused scale over
     * time, so that early and late messages were ranked on different scales: rspamd+builtin by date went from
     * 1-ROCA% 0.061 and sm%@hm0.1% 12.4 with the bias to 0.057 and 8.9 without it, the built-in alone being 0.059 and
     * 9.1.
     */
    private final double[] weights;
    /**
     * The posterior precision of the weights (row-major, symmetric): the prior's plus, for every lesson, the
     * curvature p(1-p) x x' of its log-likelihood.
     */
    private final double[] precision;
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
        int k = members.size();
        this.weights = new double[k];
        this.precision = new double[k * k];
        for (int j = 0; j < members.size(); j++) weights[j] = SCALE / members.size();
        for (int j = 0; j < k; j++) precision[j * k + j] = PRIOR_PRECISION;
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
        if (c.members().equals(names) && c.weights().length == f.weights.length + 1) {
            fromBias(c, f);
            return f;
        }
        if (!c.members().equals(names) || c.weights().length != f.weights.length
                || c.precision().length != f.precision.length) {
            throw new ClassifierException("fusion weights " + weightsFile + " were learnt for "
                    + String.join("+", c.members()) + " with " + c.weights().length + " weights, not for " + f.name());
        }
        System.arraycopy(c.weights(), 0, f.weights, 0, f.weights.length);
        System.arraycopy(c.precision(), 0, f.precision, 0, f.precision.length);
        f.taught = c.taught();
        return f;
    }

    /**
     * Takes a combination saved with a bias (the last weight) without it: the members' weights and their block of
     * the precision, so that an account upgraded from that layout goes on from what it learnt.
     */
    private static void fromBias(FusionFile.Contents c, FusionClassifier f) {
        int k = f.weights.length;
        System.arraycopy(c.weights(), 0, f.weights, 0, k);
        for (int i = 0; i < k; i++) System.arraycopy(c.precision(), i * (k + 1), f.precision, i * k, k);
        f.taught = c.taught();
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
            double p = sigmoid(margin(x));
            int k = x.length;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) precision[i * k + j] += p * (1 - p) * x[i] * x[j];
            }
            double[] gradient = new double[k];
            for (int j = 0; j < k; j++) gradient[j] = ((label == Label.SPAM ? 1 : 0) - p) * x[j];
            double[] step = solve(precision, gradient);
            for (int j = 0; j < k; j++) weights[j] += step[j];
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

    /** Each member's bounded, scaled log-odds. */
    private static double[] inputs(Verdict[] verdicts) {
        double[] x = new double[verdicts.length];
        for (int j = 0; j < verdicts.length; j++) x[j] = Math.max(-LIMIT, Math.min(LIMIT, verdicts[j].logOdds())) / SCALE;
        return x;
    }

    /**
     * Solves {@code a y = b} for the symmetric positive definite {@code a} (row-major, n by n) by Cholesky
     * factorisation; n is the number of members, so this is a few dozen operations.
     */
    static double[] solve(double[] a, double[] b) {
        int n = b.length;
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * n + j];
                for (int m = 0; m < j; m++) sum -= l[i * n + m] * l[j * n + m];
                l[i * n + j] = i == j ? Math.sqrt(sum) : sum / l[j * n + j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int m = 0; m < i; m++) sum -= l[i * n + m] * y[m];
            y[i] = sum / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int m = i + 1; m < n; m++) sum -= l[m * n + i] * y[m];
            y[i] = sum / l[i * n + i];
        }
        return y;
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
    public void sync(Map<String, Label> lessons) throws ClassifierException {
        for (Classifier member : members) member.sync(lessons);
        if (weightsFile == null) return;
        // Under the lock, so that two syncs cannot overwrite a newer combination with an older one.
        synchronized (lock) {
            FusionFile.write(weightsFile, new FusionFile.Contents(members.stream().map(Classifier::name).toList(),
                    taught, weights, precision));
        }
    }

    /** What the members that keep lessons with their store (the built-in model) hold from their last sync. */
    @Override
    public Map<String, Label> lastSynced() {
        Map<String, Label> all = new HashMap<>();
        for (Classifier member : members) all.putAll(member.lastSynced());
        return Map.copyOf(all);
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
