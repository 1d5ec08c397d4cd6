package dev.begone.eval;

import java.util.Arrays;

/** ROC statistics over (isSpam, logOdds) pairs. Spam is the positive class; a higher logOdds means more spammy. */
final class Metrics {
    private Metrics() {}

    /**
     * Percentage of (ham, spam) pairs the scores rank wrongly (ham above spam); a tie counts half. NaN when a class
     * is empty. O(n log n): one sort, then a sweep over groups of equal scores.
     */
    static double oneMinusRocaPercent(boolean[] spam, double[] score) {
        Integer[] idx = sortedAscending(score);
        long spams = 0, hams = 0;
        for (boolean s : spam) {
            if (s) spams++;
            else hams++;
        }
        if (spams == 0 || hams == 0) return Double.NaN;
        double correct = 0;
        long hamBelow = 0;
        for (int i = 0; i < idx.length; ) {
            int j = i;
            long groupSpam = 0, groupHam = 0;
            while (j < idx.length && score[idx[j]] == score[idx[i]]) {
                if (spam[idx[j]]) groupSpam++;
                else groupHam++;
                j++;
            }
            correct += groupSpam * (hamBelow + 0.5 * groupHam);
            hamBelow += groupHam;
            i = j;
        }
        return 100 * (1 - correct / ((double) spams * hams));
    }

    /**
     * Spam misclassification percentage at the strictest threshold that misfiles at most {@code hamPercent} of the
     * ham: the threshold sits on the (k+1)-th highest ham score, k = floor(ham * hamPercent / 100); spam scoring
     * below it is misfiled and spam tied with it counts half.
     */
    static double smAtHmPercent(boolean[] spam, double[] score, double hamPercent) {
        double[] hamScores = Arrays.stream(indices(spam.length)).filter(i -> !spam[i]).mapToDouble(i -> score[i])
                .sorted().toArray();
        int spams = spam.length - hamScores.length;
        if (spams == 0 || hamScores.length == 0) return Double.NaN;
        int allowed = (int) Math.floor(hamScores.length * hamPercent / 100);
        double threshold = hamScores[hamScores.length - 1 - allowed];
        double missed = 0;
        for (int i = 0; i < spam.length; i++) {
            if (!spam[i]) continue;
            if (score[i] < threshold) missed += 1;
            else if (score[i] == threshold) missed += 0.5;
        }
        return 100 * missed / spams;
    }

    /**
     * TREC's logistic average misclassification: logit⁻¹ of the mean of logit(hm) and logit(sm). Rates are smoothed
     * as (errors + 0.5) / (n + 1) so a filter with no errors in one class still gets a finite, comparable value.
     */
    static double lamPercent(long hamErrors, long hams, long spamErrors, long spams) {
        if (hams == 0 || spams == 0) return Double.NaN;
        double hm = (hamErrors + 0.5) / (hams + 1.0);
        double sm = (spamErrors + 0.5) / (spams + 1.0);
        double mean = (logit(hm) + logit(sm)) / 2;
        return 100 / (1 + Math.exp(-mean));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private static Integer[] sortedAscending(double[] score) {
        Integer[] idx = new Integer[score.length];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        return idx;
    }

    private static int[] indices(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }
}
