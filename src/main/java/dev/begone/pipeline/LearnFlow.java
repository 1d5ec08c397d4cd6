package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.Purpose;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Teaches the classifier from a training folder, then deletes, moves or flags what it learned. A message counts as
 * learned only once the classifier confirmed it; the IMAP follow-up is journaled like any other action.
 */
public final class LearnFlow {
    /** Runs a message may fail in the classifier before it is given up on and left where it is. */
    public static final int MAX_ATTEMPTS = FailedMessages.MAX_ATTEMPTS;
    private final Session session;
    private final LearnSettings settings;
    private final ActionRunner runner;
    private final FailedMessages failedMessages;

    public LearnFlow(Session session, LearnSettings settings) {
        this.session = session;
        this.settings = settings;
        this.runner = new ActionRunner(session, settings.plainExpunge());
        this.failedMessages = new FailedMessages(session);
    }

    public LearnStats run() throws IOException {
        Purpose purpose = settings.label() == Label.SPAM ? Purpose.LEARN_SPAM : Purpose.LEARN_HAM;
        int toLearn = 0;
        int learned = 0;
        int skipped = 0;
        int failed = 0;
        try (OpenFolder folder = session.store().open(settings.folder(), settings.dryRun())) {
            String key = purpose.scannedKey(folder.name());
            UidSet seen = session.state().scanned(session.account(), key, folder.uidValidity());
            UidSet held = session.state().pendingUids(session.account(), folder.name(), folder.uidValidity());
            UidSet fresh = folder.search(SearchCriteria.all().flagged(settings.flagged()).undeleted().excluding(seen.union(held)));
            if (settings.partialRun() > 0) fresh = fresh.highest(settings.partialRun());
            Map<Long, Long> sizes = folder.sizes(fresh);
            // A message too large to fetch is a failure of that message, not of the run.
            List<FailedMessages.Failure> tooLarge = new ArrayList<>();
            for (Map.Entry<Long, Long> e : sizes.entrySet()) {
                if (e.getValue() > session.store().maxMessageBytes()) {
                    tooLarge.add(new FailedMessages.Failure(e.getKey(), e.getValue(), "size:" + e.getValue(),
                            MessageRejectedException.beforeSending(e.getValue() + " bytes is over the largest message "
                                    + "begone fetches (" + session.store().maxMessageBytes() + " bytes)")));
                }
            }
            if (!tooLarge.isEmpty()) {
                toLearn += tooLarge.size();
                FailedMessages.Outcome given = retryOrGiveUp(folder, key, tooLarge);
                skipped += given.retried();
                failed += Math.toIntExact(given.givenUp().size());
                UidSet.Builder skip = UidSet.builder();
                tooLarge.forEach(f -> skip.add(f.uid()));
                fresh = fresh.minus(skip.build());
            }
            for (UidSet batch : Batches.newestFirst(fresh, settings.batchSize(), sizes, Batches.MAX_BATCH_BYTES)) {
                if (session.stop().stopRequested()) break;
                List<FetchedMessage> messages = folder.fetch(batch);
                toLearn += messages.size();
                if (settings.dryRun()) continue;
                List<Future<Learnt>> futures = new ArrayList<>(messages.size());
                for (FetchedMessage m : messages) futures.add(session.pool().submit(() -> learn(folder.name(), m)));
                List<Learnt> results = Batches.awaitAll(futures);
                List<FailedMessages.Failure> failures = new ArrayList<>();
                for (Learnt l : results) if (l != null && l.failure() != null) failures.add(l.failure());
                FailedMessages.requireClassifierWorks((int) results.stream().filter(l -> l != null && l.failure() == null).count(), failures);
                // Only what the classifier holds durably counts as learned.
                session.classifier().sync();
                FailedMessages.Outcome given = retryOrGiveUp(folder, key, failures);
                skipped += given.retried();
                failed += Math.toIntExact(given.givenUp().size());
                UidSet.Builder done = UidSet.builder();
                Map<Long, Original> originals = new HashMap<>();
                for (Learnt l : results) {
                    if (l == null || l.failure() != null) continue;
                    done.add(l.uid());
                    originals.put(l.uid(), l.original());
                    if (l.result() == LearnResult.LEARNED) learned++;
                    session.state().markLearned(session.account(), l.digest(), session.classifier().name(), settings.label());
                }
                failedMessages.forget(key, folder.uidValidity(), done.build());
                followUp(folder, purpose, done.build(), originals);
            }
        }
        return new LearnStats(toLearn, learned, skipped, failed);
    }

    private FailedMessages.Outcome retryOrGiveUp(OpenFolder folder, String key, List<FailedMessages.Failure> failures)
            throws IOException {
        FailedMessages.Outcome given = failedMessages.record(folder.name(), key, folder.uidValidity(), failures,
                settings.dryRun());
        // Given up on: left where it is, and never tried again.
        if (!settings.dryRun() && !given.givenUp().isEmpty()) {
            session.state().addScanned(session.account(), key, folder.uidValidity(), given.givenUp());
        }
        return given;
    }

    /** A learned message, or one the classifier failed on ({@code failure} set, {@code original} null). */
    private record Learnt(long uid, String digest, LearnResult result, Original original, FailedMessages.Failure failure) {}

    /** Learns one message; null when this message alone could not be read. */
    private Learnt learn(String folder, FetchedMessage m) throws IOException {
        session.listener().message(folder, m.uid(), m.raw());
        // Users drop filed spam, report and all, into training folders: learn the original, not the wrapper.
        byte[] original = SpamAssassinReports.unwrap(m.raw());
        String digest = MessageIds.digest(original);
        LearnResult result;
        try {
            result = session.state().learnedAs(session.account(), digest, session.classifier().name()).filter(settings.label()::equals).isPresent()
                    ? LearnResult.ALREADY_KNOWN
                    : session.classifier().learn(original, settings.label());
        } catch (MessageRejectedException e) {
            return new Learnt(m.uid(), digest, null, null, new FailedMessages.Failure(m, e));
        } catch (RuntimeException e) {
            // One odd message must not stop the training of the others; it stays in the folder for the next run.
            session.listener().skipped(folder, m.uid(), "could not be learned: " + e);
            return null;
        }
        session.listener().learned(folder, m.uid(), settings.label(), result);
        return new Learnt(m.uid(), digest, result, Original.of(m), null);
    }

    /** What happens to learnt messages, as the settings say; leaving them is recorded like any other outcome. */
    private void followUp(OpenFolder folder, Purpose purpose, UidSet learnedUids, Map<Long, Original> originals)
            throws IOException {
        if (learnedUids.isEmpty()) return;
        List<Action> plan = new ArrayList<>();
        switch (settings.after()) {
            case LearnSettings.After.Stay stay -> { }
            case LearnSettings.After.Move move -> plan.add(Action.move(learnedUids, move.folder()));
            case LearnSettings.After.Copy copy -> plan.add(Action.copy(learnedUids, copy.folder()));
            case LearnSettings.After.Delete delete -> {
                plan.add(Action.flag(learnedUids, Set.of(ActionRunner.DELETED)));
                if (settings.expunge()) plan.add(Action.expunge(learnedUids));
            }
            case LearnSettings.After.Flag flag -> plan.add(Action.flag(learnedUids, flag.flags()));
        }
        if (plan.isEmpty()) {
            session.state().addScanned(session.account(), purpose.scannedKey(folder.name()), folder.uidValidity(), learnedUids);
        } else {
            runner.perform(folder, purpose, plan, originals, Map.of());
        }
    }
}
