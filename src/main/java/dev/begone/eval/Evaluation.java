package dev.begone.eval;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TREC spam-track protocol with immediate feedback: each message, in order, is scored and then learned with
 * its true label.
 */
public final class Evaluation {
    private Evaluation() {}

    public static EvaluationResult run(Corpus corpus, Order order, Classifier classifier, EvaluationListener listener)
            throws IOException {
        List<Corpus.Entry> entries = corpus.ordered(order);
        int n = entries.size();
        List<EvaluationResult.Scored> scored = new ArrayList<>(n);
        boolean[] isSpam = new boolean[n];
        double[] logOdds = new double[n];
        long spams = 0, hamErrors = 0, spamErrors = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Corpus.Entry entry = entries.get(i);
            byte[] message = entry.read();
            Verdict verdict;
            try {
                verdict = classifier.classify(message);
                classifier.learn(message, entry.label());
            } catch (ClassifierException e) {
                throw new ClassifierException(classifier.name() + " failed on " + entry.name() + ": " + e.getMessage(), e);
            }
            boolean spam = entry.label() == Label.SPAM;
            isSpam[i] = spam;
            logOdds[i] = verdict.logOdds();
            if (spam) {
                spams++;
                if (verdict.outcome() != Outcome.SPAM) spamErrors++;
            } else if (verdict.outcome() == Outcome.SPAM) {
                hamErrors++;
            }
            scored.add(new EvaluationResult.Scored(entry.name(), entry.label(), verdict.logOdds(), verdict.outcome()));
            listener.scored(i, n, entry, verdict);
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        long hams = n - spams;
        return new EvaluationResult(
                classifier.name(),
                order.toString(),
                n,
                (int) spams,
                (int) hams,
                Metrics.oneMinusRocaPercent(isSpam, logOdds),
                Metrics.lamPercent(hamErrors, hams, spamErrors, spams),
                Metrics.smAtHmPercent(isSpam, logOdds, 0.1),
                hams == 0 ? Double.NaN : 100.0 * hamErrors / hams,
                spams == 0 ? Double.NaN : 100.0 * spamErrors / spams,
                n / seconds,
                scored);
    }
}
