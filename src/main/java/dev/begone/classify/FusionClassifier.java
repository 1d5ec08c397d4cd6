package dev.begone.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Combines classifiers by averaging their log-odds, which beat every single filter in the TREC spam track.
 *
 * <p>Members that are UNSURE (e.g. an untrained model) are left out of the mean, so they neither drag a confident
 * member towards zero nor vote. When every member is UNSURE the fusion is UNSURE too, and its log-odds are the mean
 * over all members (still useful for ranking). Otherwise the outcome is SPAM when the mean is above zero.
 * The fused score is that mean as a probability in percent, against a threshold of 50.
 */
public final class FusionClassifier implements Classifier {
    private static final double THRESHOLD_PERCENT = 50;
    private final List<Classifier> members;

    public FusionClassifier(List<? extends Classifier> members) {
        if (members.size() < 2) throw new IllegalArgumentException("fusion needs at least two classifiers, got " + members.size());
        this.members = List.copyOf(members);
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
        double sumSure = 0, sumAll = 0;
        int sure = 0;
        List<String> reasons = new ArrayList<>();
        for (Classifier member : members) {
            Verdict v = member.classify(message);
            sumAll += v.logOdds();
            if (v.outcome() != Outcome.UNSURE) {
                sumSure += v.logOdds();
                sure++;
            }
            reasons.add(String.format(Locale.ROOT, "%s:%s(%.2f)", member.name(), v.outcome().name().toLowerCase(Locale.ROOT), v.logOdds()));
            for (String r : v.reasons()) reasons.add(r);
        }
        Outcome outcome;
        double mean;
        if (sure == 0) {
            outcome = Outcome.UNSURE;
            mean = sumAll / members.size();
        } else {
            mean = sumSure / sure;
            outcome = mean > 0 ? Outcome.SPAM : Outcome.HAM;
        }
        double probability = 1 / (1 + Math.exp(-mean));
        return new Verdict(outcome, probability * 100, THRESHOLD_PERCENT, mean, reasons);
    }

    /** Teaches every member; ALREADY_KNOWN only when every member already knew the message. */
    @Override
    public LearnResult learn(byte[] message, Label label) throws ClassifierException {
        boolean learned = false;
        for (Classifier member : members) {
            learned |= member.learn(message, label) == LearnResult.LEARNED;
        }
        return learned ? LearnResult.LEARNED : LearnResult.ALREADY_KNOWN;
    }

    @Override
    public void sync() throws ClassifierException {
        for (Classifier member : members) member.sync();
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
