package dev.begone.pipeline;

import dev.begone.classify.Classifier;
import dev.begone.classify.LearnResult;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Teaches the classifier from a training folder, then deletes, moves or flags what it learned. A message counts as
 * learned only once the classifier confirmed it; the IMAP follow-up is journaled like any other action.
 */
public final class LearnFlow {
    private final MailStore store;
    private final StateStore state;
    private final String account;
    private final Classifier classifier;
    private final ExecutorService pool;
    private final LearnSettings settings;
    private final PipelineListener listener;
    private final ActionRunner runner;

    public LearnFlow(MailStore store, StateStore state, String account, Classifier classifier, ExecutorService pool,
            LearnSettings settings, PipelineListener listener) {
        this.store = store;
        this.state = state;
        this.account = account;
        this.classifier = classifier;
        this.pool = pool;
        this.settings = settings;
        this.listener = listener;
        this.runner = new ActionRunner(store, state, account, settings.expunge(), listener);
    }

    public LearnStats run() throws IOException {
        Purpose purpose = settings.label() == dev.begone.classify.Label.SPAM ? Purpose.LEARN_SPAM : Purpose.LEARN_HAM;
        int toLearn = 0;
        int learned = 0;
        try (OpenFolder folder = store.open(settings.folder(), settings.dryRun())) {
            String key = purpose.stateKey(folder.name());
            UidSet fresh = folder.search(SearchCriteria.all().flagged(settings.flagged()).undeleted()
                    .excluding(state.scanned(account, key, folder.uidValidity())));
            if (settings.partialRun() > 0) fresh = fresh.highest(settings.partialRun());
            for (UidSet batch : Batches.newestFirst(fresh, settings.batchSize())) {
                List<FetchedMessage> messages = folder.fetch(batch);
                toLearn += messages.size();
                if (settings.dryRun()) continue;
                List<Future<Learnt>> futures = new ArrayList<>(messages.size());
                for (FetchedMessage m : messages) futures.add(pool.submit(() -> learn(folder.name(), m)));
                List<Learnt> results = Batches.awaitAll(futures);
                // Only what the classifier holds durably counts as learned.
                classifier.sync();
                UidSet.Builder done = UidSet.builder();
                for (Learnt l : results) {
                    if (l == null) continue;
                    done.add(l.uid());
                    if (l.result() == LearnResult.LEARNED) learned++;
                    state.markLearned(account, l.digest(), classifier.name(), settings.label());
                }
                followUp(folder, purpose, done.build());
            }
        }
        return new LearnStats(toLearn, learned);
    }

    private record Learnt(long uid, String digest, LearnResult result) {}

    /** Learns one message; null when this message alone could not be learned. */
    private Learnt learn(String folder, FetchedMessage m) throws IOException {
        listener.message(folder, m.uid(), m.raw());
        // Users drop filed spam, report and all, into training folders: learn the original, not the wrapper.
        byte[] original = SpamAssassinReports.unwrap(m.raw());
        String digest = MessageIds.digest(original);
        LearnResult result;
        try {
            result = state.learnedAs(account, digest, classifier.name()).filter(settings.label()::equals).isPresent()
                    ? LearnResult.ALREADY_KNOWN
                    : classifier.learn(original, settings.label());
        } catch (RuntimeException e) {
            // One odd message must not stop the training of the others; it stays in the folder for the next run.
            listener.skipped(folder, m.uid(), "could not be learned: " + e);
            return null;
        }
        listener.learned(folder, m.uid(), settings.label(), result);
        return new Learnt(m.uid(), digest, result);
    }

    private void followUp(OpenFolder folder, Purpose purpose, UidSet learnedUids) throws IOException {
        if (learnedUids.isEmpty()) return;
        List<Action> plan = new ArrayList<>();
        if (settings.thenDelete()) {
            if (settings.trashFolder() != null && settings.label() == dev.begone.classify.Label.SPAM) {
                plan.add(Action.copy(learnedUids, settings.trashFolder()));
            } else {
                plan.add(Action.flag(learnedUids, ActionRunner.DELETED));
                if (settings.expunge()) plan.add(Action.expunge(learnedUids));
            }
        } else if (settings.thenMoveTo() != null) {
            plan.add(Action.move(learnedUids, settings.thenMoveTo()));
        } else if (settings.thenFlag()) {
            plan.add(Action.flag(learnedUids, "\\Flagged"));
        }
        if (plan.isEmpty()) {
            state.addScanned(account, purpose.stateKey(folder.name()), folder.uidValidity(), learnedUids);
        } else {
            runner.perform(folder, purpose, plan, Map.of(), Map.of());
        }
    }
}
