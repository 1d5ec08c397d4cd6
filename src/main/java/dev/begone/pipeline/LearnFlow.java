package dev.begone.pipeline;

import dev.begone.classify.ClassifierException;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;

/**
 * Teaches the classifier from a training folder, then deletes, moves or flags what it learned. A message counts as
 * learned only once the classifier confirmed it; the IMAP follow-up is journaled like any other action.
 */
public final class LearnFlow {
    /** Runs a message may fail in the classifier before it is given up on and left where it is. */
    public static final int MAX_ATTEMPTS = FailedMessages.MAX_ATTEMPTS;
    /** Fetch batches learnt before their lessons are made durable and their messages moved: 500 messages by default. */
    static final int BATCHES_PER_GROUP = 10;
    /** The journal step between the classifier's sync and the state's record of the lessons, for crash tests. */
    static final String SYNCED_STEP = "learn.synced";
    /** Batches queued for the classifier beyond the one awaited. */
    private static final int BATCHES_AHEAD = 1;
    private final Session session;
    private final LearnSettings settings;
    private final ActionRunner runner;
    private final FailedMessages failedMessages;

    /** What committing a group did: messages the classifier newly learned, refusals retried next run or given up. */
    private record Committed(int learned, int retried, int givenUp) {}

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
            // The next batch is fetched and queued while the classifier still learns this one, so that it never waits
            // for IMAP. Lessons are made durable, recorded and followed up per group of batches: the built-in model's
            // save and the journal's syncs then cost once per group, not once per batch.
            Deque<List<Future<Fate>>> inFlight = new ArrayDeque<>();
            List<Fate> group = new ArrayList<>();
            List<Committed> committed = new ArrayList<>();
            int batches = 0;
            for (UidSet batch : Batches.newestFirst(fresh, settings.batchSize(), sizes, Batches.MAX_BATCH_BYTES)) {
                if (session.stop().stopRequested()) break;
                List<FetchedMessage> messages = folder.fetch(batch);
                toLearn += messages.size();
                if (settings.dryRun()) continue;
                List<Future<Fate>> futures = new ArrayList<>(messages.size());
                for (FetchedMessage m : messages) futures.add(session.pool().submit(() -> learn(folder.name(), m)));
                inFlight.add(futures);
                if (inFlight.size() <= BATCHES_AHEAD) continue;
                group.addAll(learnt(inFlight.removeFirst()));
                if (++batches % BATCHES_PER_GROUP == 0) {
                    // A save of the model must hold no lesson that is not recorded with it: nothing may be in flight.
                    while (!inFlight.isEmpty()) group.addAll(learnt(inFlight.removeFirst()));
                    committed.add(commit(folder, purpose, key, group));
                    group.clear();
                }
            }
            while (!inFlight.isEmpty()) group.addAll(learnt(inFlight.removeFirst()));
            if (!group.isEmpty()) committed.add(commit(folder, purpose, key, group));
            for (Committed c : committed) {
                learned += c.learned();
                skipped += c.retried();
                failed += c.givenUp();
            }
        }
        return new LearnStats(toLearn, learned, skipped, failed);
    }

    /** A batch's fates, once the classifier is done with it; a batch it failed on throughout says it is broken. */
    private static List<Fate> learnt(List<Future<Fate>> batch) throws IOException {
        List<Fate> fates = Batches.awaitAll(batch);
        List<FailedMessages.Failure> failures = new ArrayList<>();
        for (Fate f : fates) if (f instanceof Fate.Refused r) failures.add(r.failure());
        FailedMessages.requireClassifierWorks((int) fates.stream().filter(Fate.Learnt.class::isInstance).count(), failures);
        return fates;
    }

    /**
     * Makes a group's lessons durable, then records them and files the group as the settings say. Only what the
     * classifier holds durably counts as learned. The lessons go into the sync too: a crash before they are recorded
     * here leaves them in the model, and the next run records them from there ({@link Recovery}).
     */
    private Committed commit(OpenFolder folder, Purpose purpose, String key, List<Fate> group) throws IOException {
        Map<String, Label> lessons = new HashMap<>();
        for (Fate f : group) if (f instanceof Fate.Learnt l) lessons.put(l.digest(), settings.label());
        session.classifier().sync(lessons);
        session.listener().step(SYNCED_STEP);
        List<FailedMessages.Failure> failures = new ArrayList<>();
        for (Fate f : group) if (f instanceof Fate.Refused r) failures.add(r.failure());
        FailedMessages.Outcome given = failedMessages.record(folder.name(), key, folder.uidValidity(), failures, false,
                settings.errors());
        int learned = 0;
        Sorted sorted = new Sorted();
        for (Fate f : group) {
            sorted.originals.put(f.original().uid(), f.original());
            switch (f) {
                case Fate.Learnt l -> {
                    sorted.learnt.add(l.original().uid());
                    sorted.digests.add(l.digest());
                    if (l.result() == LearnResult.LEARNED) learned++;
                }
                case Fate.Refused r -> {
                    if (given.givenUp().contains(r.original().uid())) {
                        (settings.errors() == null ? sorted.stay : sorted.toErrors).add(r.original().uid());
                    }
                }
                case Fate.Undecodable u -> (settings.undecodable() == null ? sorted.stay : sorted.toUndecodable).add(u.original().uid());
            }
        }
        session.state().markLearned(session.account(), sorted.digests, session.classifier().name(), settings.label());
        failedMessages.forget(key, folder.uidValidity(), sorted.learnt.build());
        followUp(folder, purpose, sorted);
        for (Fate f : group) session.listener().trainingOutcome(outcome(folder.name(), f, given));
        return new Committed(learned, given.retried(), Math.toIntExact(given.givenUp().size()));
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

    /** What became of one fetched message in the classifier; the message's bytes are not kept. */
    private sealed interface Fate {
        Original original();

        Headline headline();

        /**
         * The classifier holds it in the settings' label.
         *
         * @param before the label the state had for it, if any: the same one means the classifier was not asked
         */
        record Learnt(Original original, Headline headline, String digest, LearnResult result, Optional<Label> before)
                implements Fate {}

        /** The classifier refused it; tried again on later runs, or given up on. */
        record Refused(Original original, Headline headline, FailedMessages.Failure failure) implements Fate {}

        /** No mail message at all, or one the classifier could not read: no later run would do better. */
        record Undecodable(Original original, Headline headline, String reason) implements Fate {}
    }

    /** A group's messages by what happens to them next. */
    private static final class Sorted {
        final UidSet.Builder learnt = UidSet.builder();
        /** The learnt messages' fingerprints, to remember them by. */
        final List<String> digests = new ArrayList<>();
        final UidSet.Builder toErrors = UidSet.builder();
        final UidSet.Builder toUndecodable = UidSet.builder();
        /** Given up on without a folder to go to: left where they are, never tried again. */
        final UidSet.Builder stay = UidSet.builder();
        final Map<Long, Original> originals = new HashMap<>();
    }

    private Fate learn(String folder, FetchedMessage m) throws IOException {
        session.listener().message(folder, m.uid(), m.raw());
        // Users drop filed spam, report and all, into training folders: learn the original, not the wrapper.
        byte[] original = SpamAssassinReports.unwrap(m.raw());
        Headline headline = Headline.of(original);
        String notAMessage = MessageIds.notAMessage(original);
        if (notAMessage != null) return new Fate.Undecodable(noted(m), headline, notAMessage);
        String digest = MessageIds.digest(original);
        Optional<Label> before = session.state().learnedAs(session.account(), digest, session.classifier().name());
        LearnResult result;
        try {
            result = teach(session, original, settings.label(), before);
        } catch (MessageRejectedException e) {
            return new Fate.Refused(noted(m), headline, new FailedMessages.Failure(m, e));
        } catch (RuntimeException e) {
            // One odd message must not stop the training of the others, and would fail the same way on every run.
            return new Fate.Undecodable(noted(m), headline, session.classifier().name() + " could not read it: " + e);
        }
        session.listener().learned(folder, m.uid(), settings.label(), result);
        return new Fate.Learnt(noted(m), headline, digest, result, before);
    }

    /** The message as the journal keeps it, with why it moved: {@code begone log} shows that. */
    private Original noted(FetchedMessage m) {
        return Original.of(m).noting(ScanFlow.note(m.raw(), "in a training folder for " + settings.label().lowerName()));
    }

    /**
     * Teaches {@code label} unless the state says the classifier holds it already ({@code before}); a message taught
     * the other label before is relearnt, so that the old lesson is taken back.
     */
    static LearnResult teach(Session session, byte[] original, Label label, Optional<Label> before) throws ClassifierException {
        if (before.isEmpty()) return session.classifier().learn(original, label);
        if (before.get() != label) return session.classifier().relearn(original, label);
        return LearnResult.ALREADY_KNOWN;
    }

    /** The log line's outcome of a message, once every action on it is confirmed. */
    private TrainingOutcome outcome(String folder, Fate fate, FailedMessages.Outcome given) {
        long uid = fate.original().uid();
        String label = settings.label().lowerName();
        String what = switch (fate) {
            case Fate.Learnt l when l.before().isEmpty() -> (l.result() == LearnResult.LEARNED ? "learnt as " + label
                    : "learnt as " + label + " (" + session.classifier().name() + " knew it already)") + after();
            case Fate.Learnt l when l.before().get() != settings.label() -> "relearnt as " + label + " (learnt as "
                    + l.before().get().lowerName() + " before)" + after();
            case Fate.Learnt l -> "already learnt as " + label + after();
            case Fate.Refused r -> "refused by " + session.classifier().name() + ": " + r.failure().error().getMessage()
                    + (!given.givenUp().contains(uid) ? ", tried again next run"
                            : settings.errors() == null ? ", given up, left where it is" : ", moved to " + settings.errors());
            case Fate.Undecodable u -> "not learnt, no mail message begone can read (" + u.reason() + ")"
                    + (settings.undecodable() == null ? ", left where it is" : ", moved to " + settings.undecodable());
        };
        return new TrainingOutcome(folder, uid, fate.headline(), what, fate instanceof Fate.Undecodable);
    }

    private String after() {
        return switch (settings.after()) {
            case LearnSettings.After.Stay stay -> "";
            case LearnSettings.After.Move move -> ", moved to " + move.folder();
            case LearnSettings.After.Copy copy -> ", copied to " + copy.folder();
            case LearnSettings.After.Delete delete -> ", deleted";
            case LearnSettings.After.Flag flag -> ", flagged " + String.join(" ", new TreeSet<>(flag.flags()));
        };
    }

    /**
     * Files a batch as the settings say, in one journaled plan: refused and undecodable messages to their folders,
     * learnt ones as {@code after:} says. What stays is recorded as handled like any other outcome.
     */
    private void followUp(OpenFolder folder, Purpose purpose, Sorted sorted) throws IOException {
        UidSet learnt = sorted.learnt.build();
        UidSet.Builder stay = UidSet.builder().addAll(sorted.stay.build());
        Map<String, UidSet> moves = new LinkedHashMap<>();
        if (settings.errors() != null) moves.merge(settings.errors(), sorted.toErrors.build(), UidSet::union);
        if (settings.undecodable() != null) moves.merge(settings.undecodable(), sorted.toUndecodable.build(), UidSet::union);
        List<Action> plan = new ArrayList<>();
        moves.forEach((target, uids) -> {
            if (!uids.isEmpty()) plan.add(Action.move(uids, target));
        });
        if (!learnt.isEmpty()) {
            switch (settings.after()) {
                case LearnSettings.After.Stay s -> stay.addAll(learnt);
                case LearnSettings.After.Move move -> plan.add(Action.move(learnt, move.folder()));
                case LearnSettings.After.Copy copy -> plan.add(Action.copy(learnt, copy.folder()));
                case LearnSettings.After.Delete delete -> {
                    plan.add(Action.flag(learnt, Set.of(ActionRunner.DELETED)));
                    if (settings.expunge()) plan.add(Action.expunge(learnt));
                }
                case LearnSettings.After.Flag flag -> plan.add(Action.flag(learnt, flag.flags()));
            }
        }
        if (!plan.isEmpty()) runner.perform(folder, purpose, plan, sorted.originals, Map.of(), settings.scanFolders());
        UidSet left = stay.build();
        if (!left.isEmpty()) session.state().addScanned(session.account(), purpose.scannedKey(folder.name()), folder.uidValidity(), left);
    }
}
