package dev.begone.pipeline;

import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Processed;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.classify.Verdict;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.rules.Disposition;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.Purpose;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Scans a folder for messages not seen before and files the spam. Stages, in order: select the new UIDs (one
 * SEARCH), fetch them in batches, score each batch on the classifier pool while the next batch downloads, decide
 * each message's fate by policy, and act on the batch with journaled UID-set commands.
 */
public final class ScanFlow {
    /** Batches fetched ahead of the one being acted on: enough to keep the classifier busy during IMAP work. */
    private static final int BATCHES_AHEAD = 1;

    private final Session session;
    private final ScanSettings settings;
    private final SpamPolicy policy;
    private final ActionRunner runner;
    private final FailedMessages failedMessages;

    public ScanFlow(Session session, ScanSettings settings, SpamPolicy policy) {
        this.session = session;
        this.settings = settings;
        this.policy = policy;
        this.runner = new ActionRunner(session, settings.plainExpunge());
        this.failedMessages = new FailedMessages(session);
    }

    /** A scored message, or one the classifier failed on ({@code failure} set, no verdict). */
    private record Scored(FetchedMessage message, Verdict verdict, byte[] rewritten, MessageRejectedException failure) {
        Scored(FetchedMessage message, Verdict verdict, byte[] rewritten) {
            this(message, verdict, rewritten, null);
        }
    }

    public ScanResult run() throws IOException {
        Tally tally = new Tally();
        try (OpenFolder folder = session.store().open(settings.folder(), settings.dryRun())) {
            String key = Purpose.SCAN.scannedKey(folder.name());
            UidSet seen = session.state().scanned(session.account(), key, folder.uidValidity());
            // Messages an unfinished journal entry holds are its business until it completes or is abandoned.
            UidSet held = session.state().pendingUids(session.account(), folder.name(), folder.uidValidity());
            UidSet candidates = folder.search(SearchCriteria.all().maxSize(settings.maxSizeBytes()).undeleted()
                    .excluding(seen.union(held)));
            UidSet fresh = candidates;
            if (settings.partialRun() > 0) fresh = fresh.highest(settings.partialRun());

            Deque<List<Future<Scored>>> inFlight = new ArrayDeque<>();
            for (UidSet batch : Batches.newestFirst(fresh, settings.batchSize(), folder.sizes(fresh), Batches.MAX_BATCH_BYTES)) {
                if (session.stop().stopRequested()) break;
                inFlight.add(submit(folder, folder.fetch(batch)));
                if (inFlight.size() > BATCHES_AHEAD) act(folder, Batches.awaitAll(inFlight.removeFirst()), tally);
            }
            while (!inFlight.isEmpty() && !session.stop().stopRequested()) act(folder, Batches.awaitAll(inFlight.removeFirst()), tally);
            // Stopped: batches scored but not acted on recorded nothing, so the next run scores them again.
            for (List<Future<Scored>> unacted : inFlight) unacted.forEach(f -> f.cancel(true));

            if (!settings.dryRun() && !seen.isEmpty()) {
                // UIDs are never reused within a UIDVALIDITY: those below the highest seen that are no candidate
                // (expunged, too big, deleted) can count as seen, which keeps the record one range however many
                // scattered messages leave the folder, and the next search short.
                UidSet gaps = UidSet.range(1, seen.max()).minus(candidates).minus(seen).minus(held);
                if (!gaps.isEmpty()) session.state().addScanned(session.account(), key, folder.uidValidity(), gaps);
            }
        }
        return tally.result();
    }

    private List<Future<Scored>> submit(OpenFolder folder, List<FetchedMessage> messages) {
        List<Future<Scored>> futures = new ArrayList<>(messages.size());
        for (FetchedMessage m : messages) {
            session.listener().message(folder.name(), m.uid(), m.raw());
            futures.add(session.pool().submit(() -> score(folder.name(), m)));
        }
        return futures;
    }

    /**
     * Scores one message; null when this message alone could not be read (it is left alone and tried next run), a
     * {@link Scored#failure()} when the classifier failed on it.
     */
    private Scored score(String folder, FetchedMessage m) throws IOException {
        Scored scored;
        try {
            // A message that is itself a SpamAssassin report (e.g. moved back by a user) is judged by its original. A
            // spammer can fake such a wrapper around an innocent "original", so the wrapper is judged too, and the
            // more spammy verdict of the two counts.
            byte[] content = SpamAssassinReports.unwrap(m.raw());
            scored = scoreAsIs(m, content);
            if (content != m.raw()) {
                Scored whole = scoreAsIs(m, m.raw());
                if (spammier(whole.verdict(), scored.verdict())) scored = whole;
            }
        } catch (MessageRejectedException e) {
            return new Scored(m, null, null, e);
        } catch (RuntimeException e) {
            // A classifier failing on one odd message must not stop the run; unreachable classifiers throw
            // ClassifierException (an IOException) and do stop it.
            session.listener().skipped(folder, m.uid(), "could not be scored: " + e);
            return null;
        }
        session.listener().scored(folder, m.uid(), scored.verdict());
        return scored;
    }

    private Scored scoreAsIs(FetchedMessage m, byte[] content) throws IOException {
        if (settings.withReport() && settings.spamFolder() != null) {
            Processed p = session.classifier().process(content);
            return new Scored(m, p.verdict(), p.message());
        }
        return new Scored(m, session.classifier().classify(content), null);
    }

    /** Spam beats unsure beats ham; within one outcome the higher log-odds win. */
    private static boolean spammier(Verdict a, Verdict b) {
        int rankA = rank(a.outcome());
        int rankB = rank(b.outcome());
        return rankA != rankB ? rankA > rankB : a.logOdds() > b.logOdds();
    }

    private static int rank(Outcome o) {
        return switch (o) {
            case HAM -> 0;
            case UNSURE -> 1;
            case SPAM -> 2;
        };
    }

    private void act(OpenFolder folder, List<Scored> batch, Tally tally) throws IOException {
        String key = Purpose.SCAN.scannedKey(folder.name());
        List<FailedMessages.Failure> failures = new ArrayList<>();
        int scoredCount = 0;
        for (Scored s : batch) {
            if (s == null) continue;
            if (s.failure() != null) failures.add(new FailedMessages.Failure(s.message(), s.failure()));
            else scoredCount++;
        }
        FailedMessages.requireClassifierWorks(scoredCount, failures);
        FailedMessages.Outcome failed = failedMessages.record(folder.name(), key, folder.uidValidity(), failures, settings.dryRun());
        tally.failures(failed);
        UidSet.Builder file = UidSet.builder();
        UidSet.Builder delete = UidSet.builder();
        UidSet.Builder leave = UidSet.builder();
        Map<Long, Original> originals = new HashMap<>();
        Map<Long, ActionRunner.Upload> uploads = new HashMap<>();
        for (Scored s : batch) {
            if (s == null || s.failure() != null) continue;
            long uid = s.message().uid();
            Disposition d = policy.dispose(s.verdict());
            tally.count(d, settings.deleteSpam());
            switch (d) {
                case HAM, UNSURE -> leave.add(uid);
                case DELETE_SPAM -> {
                    delete.add(uid);
                    originals.put(uid, Original.of(s.message()));
                }
                case FILE_SPAM -> {
                    file.add(uid);
                    originals.put(uid, Original.of(s.message()));
                    if (s.rewritten() != null) uploads.put(uid, upload(s.message(), s.rewritten()));
                }
            }
        }
        if (settings.dryRun()) return;
        UidSet.Builder scoredUids = UidSet.builder();
        for (Scored s : batch) if (s != null && s.failure() == null) scoredUids.add(s.message().uid());
        failedMessages.forget(key, folder.uidValidity(), scoredUids.build());
        List<Action> plan = plan(file.build(), delete.build());
        if (!plan.isEmpty()) runner.perform(folder, Purpose.SCAN, plan, originals, uploads);
        // Messages given up on are left where they are, and count as handled so that no run tries them again.
        leave.addAll(failed.givenUp());
        UidSet left = leave.build();
        if (!left.isEmpty()) session.state().addScanned(session.account(), key, folder.uidValidity(), left);
    }

    /** isbg's order: file the spam, mark the originals, send deletions to the trash, then expunge. */
    private List<Action> plan(UidSet file, UidSet delete) {
        List<Action> plan = new ArrayList<>();
        UidSet.Builder expunge = UidSet.builder();
        boolean useTrash = settings.trashFolder() != null;
        if (!file.isEmpty()) {
            boolean moved = false;
            if (settings.spamFolder() != null) {
                if (!settings.withReport() && settings.deleteSpam() && settings.expunge() && !useTrash
                        && settings.spamFlags().isEmpty()) {
                    plan.add(Action.move(file, settings.spamFolder()));
                    moved = true;
                } else {
                    plan.add(settings.withReport() ? Action.append(file, settings.spamFolder()) : Action.copy(file, settings.spamFolder()));
                }
            }
            if (!moved) {
                Set<String> flags = new LinkedHashSet<>(settings.spamFlags());
                if (settings.deleteSpam() && !useTrash) flags.add(ActionRunner.DELETED);
                if (!flags.isEmpty()) plan.add(Action.flag(file, flags));
                if (settings.deleteSpam() && useTrash) plan.add(Action.copy(file, settings.trashFolder()));
                if (flags.contains(ActionRunner.DELETED)) expunge.addAll(file);
            }
        }
        if (!delete.isEmpty()) {
            if (useTrash) {
                plan.add(Action.copy(delete, settings.trashFolder()));
            } else {
                plan.add(Action.flag(delete, Set.of(ActionRunner.DELETED)));
                expunge.addAll(delete);
            }
        }
        UidSet toExpunge = expunge.build();
        if (settings.expunge() && !toExpunge.isEmpty()) plan.add(Action.expunge(toExpunge));
        return plan;
    }

    static ActionRunner.Upload upload(FetchedMessage original, byte[] rewritten) {
        Set<String> flags = new LinkedHashSet<>(original.flags());
        flags.remove("\\Recent");
        flags.remove(ActionRunner.DELETED);
        return new ActionRunner.Upload(rewritten, flags, original.internalDate());
    }

    private static final class Tally {
        private int messages;
        private int spam;
        private int deleted;
        private int unsure;
        private int skipped;
        private int failed;

        void failures(FailedMessages.Outcome o) {
            skipped += o.retried();
            failed += Math.toIntExact(o.givenUp().size());
        }

        void count(Disposition d, boolean deleteSpam) {
            messages++;
            switch (d) {
                case HAM -> {}
                case UNSURE -> unsure++;
                case FILE_SPAM -> {
                    spam++;
                    if (deleteSpam) deleted++;
                }
                case DELETE_SPAM -> {
                    spam++;
                    deleted++;
                }
            }
        }

        ScanResult result() {
            return new ScanResult(messages, spam, deleted, unsure, skipped, failed);
        }
    }
}
