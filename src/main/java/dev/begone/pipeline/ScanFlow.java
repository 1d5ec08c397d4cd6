package dev.begone.pipeline;

import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Processed;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.classify.Verdict;
import dev.begone.config.Filing;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.rules.Decision;
import dev.begone.rules.DeliveryRules;
import dev.begone.rules.Disposition;
import dev.begone.rules.DuplicateFollowUp;
import dev.begone.rules.MessageHeaders;
import dev.begone.rules.Reason;
import dev.begone.rules.SpamPolicy;
import dev.begone.rules.Target;
import dev.begone.state.DuplicateCopy;
import dev.begone.state.FiledCopy;
import dev.begone.state.JournalEntry;
import dev.begone.state.Purpose;
import dev.begone.state.StateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scans a folder for messages not seen before and files them. Stages, in order: select the new UIDs (one SEARCH),
 * fetch them in batches sized by the classifier's pace, run the delivery rules that come before the classifier (routing, senders, duplicates), score
 * on the classifier pool what they left open while the next batch downloads, decide each message's target (score
 * levels, the ham destination; without rules, by policy as isbg does), and act on the batch with journaled UID-set
 * commands: one move per target folder.
 */
public final class ScanFlow {
    /** Batches fetched ahead of the one being acted on: enough to keep the classifier busy during IMAP work. */
    private static final int BATCHES_AHEAD = 1;

    private final Session session;
    private final ScanSettings settings;
    private final SpamPolicy policy;
    private final ActionRunner runner;
    private final FailedMessages failedMessages;
    /** Null without delivery rules: then the verdict alone decides, as in isbg. */
    private final DeliveryRules rules;
    private final DuplicateMemory duplicates;
    private final FolderNames folderNames;

    /** @throws StateException when the state's allow-list cannot be read */
    public ScanFlow(Session session, ScanSettings settings, SpamPolicy policy) throws StateException {
        this.session = session;
        this.settings = settings;
        this.policy = policy;
        this.runner = new ActionRunner(session, settings.plainExpunge());
        this.failedMessages = new FailedMessages(session);
        // Read per scan: a whitelist folder learnt from earlier in the run may have added senders.
        Set<String> allowed = session.state().allowedSenders(session.account());
        this.rules = settings.filing().equals(Filing.NONE) && allowed.isEmpty() ? null : DeliveryRules.compile(settings.filing(), allowed);
        this.duplicates = new DuplicateMemory(session);
        this.folderNames = new FolderNames(session.store(), !settings.dryRun());
    }

    /**
     * A fetched message on its way: what the rules said before the classifier ({@code pre}, null without rules), and
     * the verdict if the classifier was asked, or its {@code failure}. {@code met} is set when the message owes the
     * duplicate log its key, {@code earlier} when {@code keep: last} must move an earlier copy away.
     */
    private record Judged(FetchedMessage message, Decision pre, Verdict verdict, byte[] rewritten,
            MessageRejectedException failure, DuplicateMemory.Met met, DuplicateMemory.Earlier earlier) {
        Judged withVerdict(Verdict v, byte[] rewrittenMessage) {
            return new Judged(message, pre, v, rewrittenMessage, null, met, earlier);
        }

        Judged failed(MessageRejectedException e) {
            return new Judged(message, pre, null, null, e, met, earlier);
        }
    }

    public ScanResult run() throws IOException {
        Tally tally = new Tally();
        try (OpenFolder folder = session.store().open(settings.folder(), settings.dryRun())) {
            String key = Purpose.SCAN.scannedKey(folder.name());
            long started = System.nanoTime();
            UidSet seen = session.state().scanned(session.account(), key, folder.uidValidity());
            // Messages an unfinished journal entry holds are its business until it completes or is abandoned.
            UidSet held = session.state().pendingUids(session.account(), folder.name(), folder.uidValidity());
            UidSet candidates = folder.search(SearchCriteria.all().maxSize(settings.maxSizeBytes()).undeleted()
                    .excluding(seen.union(held)));
            UidSet fresh = candidates;
            if (settings.partialRun() > 0) fresh = fresh.highest(settings.partialRun());

            Map<Long, Long> sizes = folder.sizes(fresh);
            session.listener().spent("search", System.nanoTime() - started);
            session.listener().scanning(folder.name(), fresh.size());
            // Duplicates are judged in the order mail arrived, so that keep: first keeps the copy delivered first.
            Batches.Cursor batches = settings.filing().duplicates().isPresent()
                    ? Batches.Cursor.oldestFirst(fresh, sizes, Batches.MAX_BATCH_BYTES)
                    : Batches.Cursor.newestFirst(fresh, sizes, Batches.MAX_BATCH_BYTES);
            Batches.Sizer sizer = new Batches.Sizer(settings.batchSize());
            Deque<Submitted> inFlight = new ArrayDeque<>();
            while (batches.hasNext()) {
                if (session.stop().stopRequested()) break;
                long fetching = System.nanoTime();
                List<FetchedMessage> fetched = folder.fetch(batches.next(sizer.next()));
                session.listener().spent("fetch", System.nanoTime() - fetching);
                inFlight.add(submit(folder, fetched));
                if (inFlight.size() > BATCHES_AHEAD) actTimed(folder, inFlight.removeFirst(), sizer, tally);
            }
            while (!inFlight.isEmpty() && !session.stop().stopRequested()) actTimed(folder, inFlight.removeFirst(), sizer, tally);
            // Stopped: batches scored but not acted on recorded nothing, so the next run scores them again.
            for (Submitted unacted : inFlight) unacted.futures().forEach(f -> f.cancel(true));

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

    /** Waits for the batch's verdicts, then acts on it; tells the listener how long each took. */
    private void actTimed(OpenFolder folder, Submitted submitted, Batches.Sizer sizer, Tally tally) throws IOException {
        long waiting = System.nanoTime();
        List<Judged> batch = submitted.await(sizer);
        long acting = System.nanoTime();
        session.listener().spent("classify", acting - waiting);
        long stateBefore = session.state().busyNanos();
        act(folder, batch, tally);
        session.listener().spent("act", System.nanoTime() - acting - (session.state().busyNanos() - stateBefore));
        session.listener().judged(folder.name(), batch.size());
    }

    /**
     * A batch on its way through the classifier pool: handed over at {@code submitted} (nanoTime), {@code classified}
     * of its messages sent to the classifier, the last of those scored at {@code finished}.
     */
    private record Submitted(List<Future<Judged>> futures, long submitted, int classified, AtomicLong finished) {
        List<Judged> await(Batches.Sizer sizer) throws IOException {
            List<Judged> judged = Batches.awaitAll(futures);
            sizer.scored(classified, submitted, finished.get());
            return judged;
        }
    }

    /**
     * Runs the rules before the classifier on each message, oldest first, and sends to the classifier pool what they
     * leave open. The rules run here, on one thread, because the duplicate stage depends on the messages before.
     */
    private Submitted submit(OpenFolder folder, List<FetchedMessage> messages) throws IOException {
        long submitted = System.nanoTime();
        AtomicLong finished = new AtomicLong(submitted);
        int classified = 0;
        List<FetchedMessage> ordered = new ArrayList<>(messages);
        ordered.sort(Comparator.comparingLong(FetchedMessage::uid));
        List<Future<Judged>> futures = new ArrayList<>(ordered.size());
        Set<String> takenBack = takenBack(ordered);
        for (FetchedMessage m : ordered) {
            session.listener().message(folder.name(), m.uid(), m.raw());
            if (!takenBack.isEmpty() && takenBack.contains(MessageIds.digest(m.raw()))) {
                Decision stays = new Decision(Target.KEEP, List.of(new Reason.TakenBack(settings.spamFolder())), false, Optional.empty());
                futures.add(CompletableFuture.completedFuture(new Judged(m, stays, null, null, null, null, null)));
                continue;
            }
            Judged j = rules == null ? new Judged(m, null, null, null, null, null, null) : beforeClassifier(m);
            if (j.pre() != null && !j.pre().needsClassifier()) {
                futures.add(CompletableFuture.completedFuture(j));
                continue;
            }
            classified++;
            futures.add(session.pool().submit(() -> {
                try {
                    return score(folder.name(), j);
                } finally {
                    finished.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }));
        }
        return new Submitted(futures, submitted, classified, finished);
    }

    /** The fingerprints among {@code messages} of messages begone filed into the spam folder: the user took them back. */
    private Set<String> takenBack(List<FetchedMessage> messages) throws IOException {
        if (!settings.sparesTakenBack()) return Set.of();
        Set<String> fingerprints = new HashSet<>();
        for (FetchedMessage m : messages) fingerprints.add(MessageIds.digest(m.raw()));
        return session.state().filedThere(session.account(), settings.spamFolder(), fingerprints);
    }

    private Judged beforeClassifier(FetchedMessage m) throws IOException {
        String fingerprint = MessageIds.digest(m.raw());
        try {
            Decision pre = rules.beforeClassifier(MessageHeaders.parse(m.raw()), duplicates.logFor(fingerprint));
            if (pre.duplicate().isEmpty()) return new Judged(m, pre, null, null, null, null, null);
            DuplicateFollowUp owed = pre.duplicate().get();
            DuplicateMemory.Met met = new DuplicateMemory.Met(m.uid(), fingerprint);
            DuplicateMemory.Met before = duplicates.meet(owed.key(), met);
            DuplicateMemory.Earlier earlier = owed.earlierCopies().isEmpty() ? null
                    : duplicates.earlier(owed.key(), settings.filing().duplicates().orElseThrow().withinDays(), before, fingerprint);
            return new Judged(m, pre, null, null, null, met, earlier);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Scores one message; null when this message alone could not be read (it is left alone and tried next run), a
     * {@link Judged#failure()} when the classifier failed on it.
     */
    private Judged score(String folder, Judged j) throws IOException {
        long started = System.nanoTime();
        try {
            return scoreOnce(folder, j);
        } finally {
            session.listener().spent("classifier", System.nanoTime() - started);
        }
    }

    private Judged scoreOnce(String folder, Judged j) throws IOException {
        FetchedMessage m = j.message();
        Judged scored;
        try {
            // A message that is itself a SpamAssassin report (e.g. moved back by a user) is judged by its original. A
            // spammer can fake such a wrapper around an innocent "original", so the wrapper is judged too, and the
            // more spammy verdict of the two counts.
            byte[] content = SpamAssassinReports.unwrap(m.raw());
            scored = scoreAsIs(j, content);
            if (content != m.raw()) {
                Judged whole = scoreAsIs(j, m.raw());
                if (spammier(whole.verdict(), scored.verdict())) scored = whole;
            }
        } catch (MessageRejectedException e) {
            return j.failed(e);
        } catch (RuntimeException e) {
            // A classifier failing on one odd message must not stop the run; unreachable classifiers throw
            // ClassifierException (an IOException) and do stop it.
            session.listener().skipped(folder, m.uid(), "could not be scored: " + e);
            return null;
        }
        session.listener().scored(folder, m.uid(), scored.verdict());
        return scored;
    }

    private Judged scoreAsIs(Judged j, byte[] content) throws IOException {
        if (settings.withReport() && settings.spamFolder() != null) {
            Processed p = session.classifier().process(content);
            return j.withVerdict(p.verdict(), p.message());
        }
        return j.withVerdict(session.classifier().classify(content), null);
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

    /** Where a batch's messages go: the journaled sets, by kind of action. */
    private final class Sorting {
        final UidSet.Builder file = UidSet.builder();
        final UidSet.Builder delete = UidSet.builder();
        final UidSet.Builder deleteForGood = UidSet.builder();
        final UidSet.Builder leave = UidSet.builder();
        final Map<String, UidSet.Builder> moves = new LinkedHashMap<>();
        final Map<Long, Original> originals = new HashMap<>();
        final Map<Long, ActionRunner.Upload> uploads = new HashMap<>();

        /** Sends a message to a rules' target; returns where it then is (null when deleted for good). */
        String send(OpenFolder folder, long uid, Original original, Target target) throws IOException {
            String name = switch (target) {
                case Target.Keep k -> folder.name();
                case Target.Folder f -> folderNames.ensure(f.name());
                case Target.Spam s -> requireFolder(settings.spamFolder(), "spam");
                case Target.Trash t -> requireFolder(settings.dropFolder(), "trash");
                case Target.Delete d -> null;
            };
            if (name == null) {
                deleteForGood.add(uid);
            } else if (name.equals(folder.name())) {
                leave.add(uid);
                return name;
            } else {
                moves.computeIfAbsent(name, n -> UidSet.builder()).add(uid);
            }
            originals.put(uid, original);
            return name;
        }
    }

    private static String requireFolder(String name, String role) {
        if (name == null) throw new IllegalStateException("the rules file mail in the " + role + " folder, but none is set");
        return name;
    }

    private void act(OpenFolder folder, List<Judged> batch, Tally tally) throws IOException {
        String key = Purpose.SCAN.scannedKey(folder.name());
        List<FailedMessages.Failure> failures = new ArrayList<>();
        int scoredCount = 0;
        for (Judged j : batch) {
            if (j == null) continue;
            if (j.failure() != null) failures.add(new FailedMessages.Failure(j.message(), j.failure()));
            else scoredCount++;
        }
        FailedMessages.requireClassifierWorks(scoredCount, failures);
        FailedMessages.Outcome failed = failedMessages.record(folder.name(), key, folder.uidValidity(), failures, settings.dryRun());
        tally.failures(failed);

        // Each message's target, in UID order; keep: last may then send an earlier copy of this batch elsewhere.
        Map<Long, Target> targets = new LinkedHashMap<>();
        Map<Long, Judged> decided = new LinkedHashMap<>();
        Map<Long, Disposition> dispositions = new HashMap<>();
        Map<Long, String> why = new HashMap<>();
        for (Judged j : batch) {
            if (j == null || j.failure() != null) continue;
            long uid = j.message().uid();
            Disposition d = j.verdict() == null ? null : policy.dispose(j.verdict()); // checks the delete threshold
            if (j.pre() == null) {
                targets.put(uid, d == Disposition.FILE_SPAM || d == Disposition.DELETE_SPAM ? Target.SPAM : Target.KEEP);
                why.put(uid, new Reason.Scored(j.verdict().outcome(), j.verdict().score(), j.verdict().threshold()).toString());
            } else {
                Decision decision = j.pre().needsClassifier() ? rules.afterClassifier(j.pre(), j.verdict()) : j.pre();
                targets.put(uid, decision.target());
                why.put(uid, decision.why());
                for (Reason r : decision.reasons()) {
                    // The message may stay where it is, leaving no journal line: the user hears of the slow rule here.
                    if (r instanceof Reason.RuleGaveUp) session.listener().warning(folder.name() + " UID " + uid + ": " + r);
                }
            }
            decided.put(uid, j);
            if (d != null) dispositions.put(uid, d);
        }
        List<DuplicateCopy> earlierHere = new ArrayList<>();
        List<Target> earlierHereTargets = new ArrayList<>();
        List<DuplicateCopy> earlierElsewhere = new ArrayList<>();
        List<Target> earlierElsewhereTargets = new ArrayList<>();
        List<String> earlierHereWhy = new ArrayList<>();
        List<String> earlierElsewhereWhy = new ArrayList<>();
        for (Judged j : decided.values()) {
            if (j.earlier() == null) continue;
            Target away = j.pre().duplicate().orElseThrow().earlierCopies().orElseThrow();
            DuplicateMemory.Met inScan = j.earlier().inScan();
            if (inScan != null && decided.containsKey(inScan.uid)) {
                targets.put(inScan.uid, away);
                why.put(inScan.uid, why.get(inScan.uid) + "; " + replaced(j));
                continue;
            }
            DuplicateCopy where = inScan == null ? j.earlier().remembered()
                    : inScan.actedOn ? inScan.place : new DuplicateCopy(folder.name(), folder.uidValidity(), inScan.uid, inScan.fingerprint);
            if (where == null) continue; // deleted for good
            boolean here = where.folder().equals(folder.name()) && where.uidValidity() == folder.uidValidity() && where.uid() > 0;
            (here ? earlierHere : earlierElsewhere).add(where);
            (here ? earlierHereTargets : earlierElsewhereTargets).add(away);
            (here ? earlierHereWhy : earlierElsewhereWhy).add(replaced(j));
        }

        Sorting sorting = new Sorting();
        List<DuplicateCopy.Keyed> remember = new ArrayList<>();
        for (Map.Entry<Long, Target> e : targets.entrySet()) {
            long uid = e.getKey();
            Judged j = decided.get(uid);
            Target target = e.getValue();
            Disposition d = dispositions.get(uid);
            tally.count(j.verdict(), target, d, settings.deleteSpam());
            String now;
            if (target instanceof Target.Spam && j.pre() == null) {
                now = null;
                (d == Disposition.DELETE_SPAM ? sorting.delete : sorting.file).add(uid);
                sorting.originals.put(uid, Original.of(j.message()).noting(note(j.message().raw(), why.get(uid))));
                if (j.rewritten() != null && d == Disposition.FILE_SPAM) sorting.uploads.put(uid, upload(j.message(), j.rewritten()));
            } else if (target instanceof Target.Keep) {
                now = folder.name();
                sorting.leave.add(uid);
            } else {
                now = sorting.send(folder, uid, Original.of(j.message()).noting(note(j.message().raw(), why.get(uid))), target);
            }
            if (j.met() != null) {
                j.met().actedOn = true;
                if (now != null) {
                    boolean stays = now.equals(folder.name());
                    j.met().place = new DuplicateCopy(now, stays ? folder.uidValidity() : 0, stays ? uid : 0, j.met().fingerprint);
                    DuplicateFollowUp owed = j.pre().duplicate().orElseThrow();
                    remember.add(new DuplicateCopy.Keyed(DuplicateMemory.kind(owed.key()), owed.key().value(), j.met().place));
                }
            }
        }
        if (settings.dryRun()) return;
        Map<Long, FetchedMessage> verified = verifiedHere(folder, earlierHere);
        for (int i = 0; i < earlierHere.size(); i++) {
            FetchedMessage m = verified.get(earlierHere.get(i).uid());
            if (m != null) sorting.send(folder, m.uid(), Original.of(m).noting(note(m.raw(), earlierHereWhy.get(i))), earlierHereTargets.get(i));
        }
        // Remembered before acting: a crash then leaves the key pointing at a message that recovery moves on, and a
        // message seen again is never its own duplicate.
        session.state().rememberDuplicates(session.account(), remember);
        failedMessages.forget(key, folder.uidValidity(), UidSet.copyOf(decided.keySet()));
        List<Action> plan = plan(sorting);
        if (!plan.isEmpty()) runner.perform(folder, Purpose.SCAN, plan, sorting.originals, sorting.uploads);
        // Messages given up on are left where they are, and count as handled so that no run tries them again.
        sorting.leave.addAll(failed.givenUp());
        UidSet left = sorting.leave.build();
        if (!left.isEmpty()) session.state().addScanned(session.account(), key, folder.uidValidity(), left);
        for (int i = 0; i < earlierElsewhere.size(); i++) {
            moveEarlierCopy(folder, earlierElsewhere.get(i), earlierElsewhereTargets.get(i), earlierElsewhereWhy.get(i));
        }
    }

    /** Why {@code keep: last} moves an earlier copy away: the later copy's own reasons name the key. */
    private static String replaced(Judged later) {
        return "an earlier copy of UID " + later.message().uid() + ", which is kept instead";
    }

    /** What {@code begone log} shows of a message: From, Subject (decoded), and why. */
    static JournalEntry.Note note(byte[] raw, String why) {
        MessageHeaders h = MessageHeaders.parse(raw);
        return new JournalEntry.Note(first(h.values("from")), first(h.values("subject")), why);
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    /** Those of the remembered copies in this folder that are still there, as remembered (UIDs are never reused). */
    private static Map<Long, FetchedMessage> verifiedHere(OpenFolder folder, List<DuplicateCopy> copies) throws IOException {
        Map<Long, FetchedMessage> out = new HashMap<>();
        if (copies.isEmpty()) return out;
        Map<Long, String> expected = new HashMap<>();
        for (DuplicateCopy c : copies) expected.put(c.uid(), c.fingerprint());
        for (FetchedMessage m : folder.fetch(UidSet.copyOf(expected.keySet()))) {
            if (MessageIds.digest(m.raw()).equals(expected.get(m.uid()))) out.put(m.uid(), m);
        }
        return out;
    }

    /**
     * keep: last, for an earlier copy in another folder: found there by its UID, or by the UID the journal has of
     * the move that put it there, checked by fingerprint; moved by a plan of its own. A copy gone is left alone.
     */
    private void moveEarlierCopy(OpenFolder scanned, DuplicateCopy where, Target away, String why) throws IOException {
        if (where.folder().equals(scanned.name())) return; // this folder renumbered since: the copy cannot be named
        try (OpenFolder f = session.store().open(where.folder(), false)) {
            long uid = where.uidValidity() == f.uidValidity() ? where.uid() : 0;
            if (uid == 0) {
                List<FiledCopy> filed = session.state().filedCopies(session.account(), where.folder(), Set.of(where.fingerprint()))
                        .getOrDefault(where.fingerprint(), List.of());
                for (FiledCopy c : filed) if (c.destUid() > 0 && c.targetUidValidity() == f.uidValidity()) uid = c.destUid();
            }
            FetchedMessage m = uid == 0 ? null
                    : verifiedHere(f, List.of(new DuplicateCopy(where.folder(), f.uidValidity(), uid, where.fingerprint()))).get(uid);
            if (m == null) {
                session.listener().warning("an earlier copy in " + where.folder() + " is no longer there: left alone");
                return;
            }
            Sorting sorting = new Sorting();
            sorting.send(f, uid, Original.of(m).noting(note(m.raw(), why)), away);
            List<Action> plan = plan(sorting);
            if (!plan.isEmpty()) runner.perform(f, Purpose.SCAN, plan, sorting.originals, Map.of());
        }
    }

    /**
     * isbg's order for spam: file it, mark the originals, send deletions to the trash; then one move per target
     * folder, deletions for good, and the expunge.
     */
    private List<Action> plan(Sorting s) {
        UidSet file = s.file.build();
        UidSet delete = s.delete.build();
        List<Action> plan = new ArrayList<>();
        UidSet.Builder expunge = UidSet.builder();
        boolean useTrash = settings.trashFolder() != null;
        Map<String, UidSet.Builder> moves = new LinkedHashMap<>();
        if (!file.isEmpty()) {
            if (settings.spamFolder() != null && !settings.withReport() && settings.deleteSpam() && settings.expunge() && !useTrash
                    && settings.spamFlags().isEmpty()) {
                moves.computeIfAbsent(settings.spamFolder(), n -> UidSet.builder()).addAll(file);
            } else {
                if (settings.spamFolder() != null) {
                    plan.add(settings.withReport() ? Action.append(file, settings.spamFolder()) : Action.copy(file, settings.spamFolder()));
                }
                Set<String> flags = new LinkedHashSet<>(settings.spamFlags());
                if (settings.deleteSpam() && !useTrash) flags.add(ActionRunner.DELETED);
                if (!flags.isEmpty()) plan.add(Action.flag(file, flags));
                if (settings.deleteSpam() && useTrash) plan.add(Action.copy(file, settings.trashFolder()));
                if (flags.contains(ActionRunner.DELETED)) expunge.addAll(file);
            }
        }
        s.moves.forEach((target, uids) -> moves.computeIfAbsent(target, n -> UidSet.builder()).addAll(uids.build()));
        moves.forEach((target, uids) -> plan.add(Action.move(uids.build(), target)));
        UidSet.Builder forGood = UidSet.builder();
        forGood.addAll(s.deleteForGood.build());
        if (!delete.isEmpty()) {
            if (useTrash) plan.add(Action.copy(delete, settings.trashFolder()));
            else forGood.addAll(delete);
        }
        UidSet flagged = forGood.build();
        if (!flagged.isEmpty()) {
            plan.add(Action.flag(flagged, Set.of(ActionRunner.DELETED)));
            expunge.addAll(flagged);
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

        /**
         * @param d the policy's disposition of the verdict, null when the rules decided without the classifier
         */
        void count(Verdict verdict, Target target, Disposition d, boolean deleteSpam) {
            messages++;
            if (verdict != null && verdict.outcome() == Outcome.UNSURE) unsure++;
            if (d == Disposition.DELETE_SPAM) {
                spam++;
                deleted++;
            } else if (target instanceof Target.Spam || (verdict != null && verdict.isSpam())) {
                spam++;
                if (deleteSpam) deleted++;
            }
        }

        ScanResult result() {
            return new ScanResult(messages, spam, deleted, unsure, skipped, failed);
        }
    }
}
