package dev.begone.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsTest {
    private static final boolean S = true, H = false;

    @Test
    void perfectRankingHasZeroOneMinusRoca() {
        assertEquals(0.0, Metrics.oneMinusRocaPercent(new boolean[] {H, H, S, S}, new double[] {-2, -1, 1, 2}), 1e-12);
    }

    @Test
    void invertedRankingHasOneHundredOneMinusRoca() {
        assertEquals(100.0, Metrics.oneMinusRocaPercent(new boolean[] {H, H, S, S}, new double[] {2, 1, -1, -2}), 1e-12);
    }

    @Test
    void tiesBetweenHamAndSpamCountHalf() {
        assertEquals(50.0, Metrics.oneMinusRocaPercent(new boolean[] {H, S, H, S}, new double[] {0, 0, 0, 0}), 1e-12);
    }

    @Test
    void oneMinusRocaCountsWronglyOrderedPairsByHand() {
        // hams 1, 3, 5 ; spams 2, 4, 5 -> pairs (ham>spam): 3>2, 5>2, 5>4 = 3 wrong, (5,5) tie = 0.5 -> 3.5/9
        boolean[] spam = {H, H, H, S, S, S};
        double[] score = {1, 3, 5, 2, 4, 5};
        assertEquals(100 * 3.5 / 9, Metrics.oneMinusRocaPercent(spam, score), 1e-12);
    }

    @Test
    void oneMinusRocaIsUndefinedWithoutBothClasses() {
        assertEquals(Double.NaN, Metrics.oneMinusRocaPercent(new boolean[] {S, S}, new double[] {1, 2}));
    }

    @Test
    void lamIsTheLogitMeanOfSmoothedErrorRates() {
        // hm = (9+0.5)/(999+1) = 0.0095, sm = (99+0.5)/(999+1) = 0.0995
        double hm = 0.0095, sm = 0.0995;
        double expected = 100 / (1 + Math.exp(-(Math.log(hm / (1 - hm)) + Math.log(sm / (1 - sm))) / 2));
        assertEquals(expected, Metrics.lamPercent(9, 999, 99, 999), 1e-12);
    }

    @Test
    void lamOfEqualErrorRatesIsThatRate() {
        assertEquals(100 * 10.5 / 1001, Metrics.lamPercent(10, 1000, 10, 1000), 1e-9);
    }

    @Test
    void spamMissesAtHamRateUseTheThresholdOfTheAllowedHam() {
        // 2000 hams scored 0..1999: 0.1% allows 2 hams above the threshold, so it sits on ham score 1997.
        int hams = 2000;
        boolean[] spam = new boolean[hams + 4];
        double[] score = new double[hams + 4];
        for (int i = 0; i < hams; i++) score[i] = i;
        double[] spamScores = {1996, 1997, 1998, 5000};
        for (int i = 0; i < 4; i++) {
            spam[hams + i] = true;
            score[hams + i] = spamScores[i];
        }
        // 1996 is below (missed), 1997 ties (half), 1998 and 5000 are caught -> 1.5 / 4
        assertEquals(100 * 1.5 / 4, Metrics.smAtHmPercent(spam, score, 0.1), 1e-12);
    }

    @Test
    void spamMissesAtHamRateAreZeroWhenAllSpamOutranksAllHam() {
        assertEquals(0.0, Metrics.smAtHmPercent(new boolean[] {H, H, S}, new double[] {-1, 0, 3}, 0.1), 1e-12);
    }
}
