package dev.begone.pipeline;

import dev.begone.imap.CopyResult;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderStatus;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.MailStoreException;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.ActionKind;
import dev.begone.state.FiledCopy;
import dev.begone.state.JournalEntry;
import dev.begone.state.Purpose;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Carries out IMAP changes so that no message is ever lost: every plan's intents are journaled in one transaction
 * before the first command is sent, nothing is expunged before its copy was confirmed or proven, and the UIDs an
 * action handled are recorded only together with its completion. {@link #recover} finishes what a killed run left.
 *
 * <p>A copy is proven after a crash only by content: it sits in the target at or above the UIDNEXT taken before the
 * action (the target's UIDVALIDITY unchanged), its fingerprint is the one journaled, and it pairs with one original
 * only. A Message-ID proves nothing (two messages may share one, and HEADER search matches substrings).
 */
final class ActionRunner {
    static final String DELETED = "\\Deleted";

    /** A plan that keeps failing (a folder renamed, a quota full) is given up after this long; nothing is expunged. */
    static final Duration ABANDON_AFTER = Duration.ofDays(7);

    /** Candidate copies fetched per command when looking for proof: bounds the memory a search costs. */
    private static final int FETCH_CHUNK = 20;

    /** A rewritten message to upload in place of a server-side copy. */
    record Upload(byte[] message, Set<String> flags, Instant internalDate) {}

    /** Produces the upload for a message again after a crash (the rewritten bytes were not kept). */
    interface Rewriter {
        Upload rewrite(FetchedMessage original) throws IOException;
    }

    private final MailStore store;
    private final StateStore state;
    private final String account;
    private final boolean allowPlainExpunge;
    private final PipelineListener listener;

    ActionRunner(Session session, boolean allowPlainExpunge) {
        this.store = session.store();
        this.state = session.state();
        this.account = session.account();
        this.allowPlainExpunge = allowPlainExpunge;
        this.listener = session.listener();
    }

    /**
     * Journals the plan, then performs it in order. A message an earlier run already filed in an action's target, with
     * its copy still there, is not filed again; the rest of the plan (deleting it here) still applies to it.
     *
     * @param originals every message of the plan, by UID
     * @param uploads   the bytes to APPEND per UID, for APPEND actions
     * @return the journal entries written, in plan order (none when every message was filed before)
     */
    List<Long> perform(OpenFolder folder, Purpose purpose, List<Action> plan, Map<Long, Original> originals,
            Map<Long, Upload> uploads) throws IOException {
        return perform(folder, purpose, plan, originals, uploads, Set.of());
    }

    /**
     * As above; a copy that a COPY or MOVE makes in one of {@code scanFolders} is recorded as scanned there together
     * with the action's completion (when the server gave its UID), so that no scan judges again what was judged.
     */
    List<Long> perform(OpenFolder folder, Purpose purpose, List<Action> plan, Map<Long, Original> originals,
            Map<Long, Upload> uploads, Set<String> scanFolders) throws IOException {
        uidsOf(plan).forEach(uid -> {
            if (!originals.containsKey(uid)) throw new IllegalStateException("no fingerprint taken of UID " + uid);
        });
        List<Action> actions = withoutFiledCopies(folder, plan, originals);
        UidSet untouched = uidsOf(plan).minus(uidsOf(actions));
        if (!untouched.isEmpty()) state.addScanned(account, purpose.scannedKey(folder.name()), folder.uidValidity(), untouched);
        if (actions.isEmpty()) return List.of();

        Map<String, FolderStatus> targets = new HashMap<>();
        List<JournalEntry> intents = new ArrayList<>(actions.size());
        for (Action a : actions) {
            FolderStatus target = null;
            if (a.kind().createsMessages()) {
                target = targets.get(a.target());
                if (target == null) targets.put(a.target(), target = store.status(a.target()));
            }
            intents.add(intent(folder, purpose, a, target, originals, uploads));
        }
        List<Long> ids = state.beginPlan(account, intents);
        for (Action a : actions) listener.step(a.step("intent"));

        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            long id = ids.get(i);
            CopyResult made = CopyResult.unknown();
            switch (action.kind()) {
                case COPY -> {
                    made = folder.copy(action.uids(), action.target());
                    listener.step(action.step("sent"));
                    state.markCopied(account, id, made.destUidBySource());
                    listener.step(action.step("copied"));
                }
                case APPEND -> appendAll(id, action.target(), uploads, action.uids(), action.step("sent"));
                case MOVE -> made = move(folder, id, action);
                case FLAG -> {
                    folder.addFlags(action.uids(), action.flags());
                    listener.step(action.step("sent"));
                }
                case EXPUNGE -> {
                    expunge(folder, action.uids());
                    listener.step(action.step("sent"));
                }
            }
            String key = purpose.scannedKey(folder.name());
            if (made.known() && scanFolders.contains(action.target())) {
                state.completeAndAddScanned(account, id, key, folder.uidValidity(), action.uids(),
                        Purpose.SCAN.scannedKey(action.target()), made.destUidValidity(), made.destUids());
            } else {
                state.completeAndAddScanned(account, id, key, folder.uidValidity(), action.uids());
            }
            listener.step(action.step("done"));
            listener.filed(folder.name(), action.verb(), action.uids().size(), action.target());
        }
        return ids;
    }

    private JournalEntry intent(OpenFolder folder, Purpose purpose, Action a, FolderStatus target,
            Map<Long, Original> originals, Map<Long, Upload> uploads) {
        List<JournalEntry.Message> messages = new ArrayList<>();
        for (long uid : a.uids().toArray()) {
            Original o = originals.get(uid);
            String copy = switch (a.kind()) {
                case APPEND -> {
                    Upload upload = uploads.get(uid);
                    if (upload == null) throw new IllegalStateException("no upload prepared for UID " + uid);
                    yield MessageIds.digest(upload.message());
                }
                case COPY, MOVE -> o.fingerprint();
                case FLAG, EXPUNGE -> null;
            };
            messages.add(new JournalEntry.Message(uid, o.fingerprint(), o.size(), o.messageId(), copy, 0, o.note()));
        }
        return JournalEntry.intent(account, purpose, a.kind(), folder.name(), folder.uidValidity(), a.uids(), a.target(),
                a.flags(), target == null ? 0 : target.uidValidity(), target == null ? 0 : target.uidNext(), messages, null);
    }

    /** Returns what the server said about the copies. */
    private CopyResult move(OpenFolder folder, long id, Action action) throws IOException {
        if (store.supportsMove()) {
            CopyResult result = folder.move(action.uids(), action.target());
            listener.step(action.step("sent"));
            state.recordCopies(account, id, result.destUidBySource());
            return result;
        }
        CopyResult result = folder.copy(action.uids(), action.target());
        listener.step(action.step("sent"));
        state.markCopied(account, id, result.destUidBySource());
        listener.step(action.step("copied"));
        folder.addFlags(action.uids(), Set.of(DELETED));
        listener.step(action.step("flagged"));
        expunge(folder, action.uids());
        listener.step(action.step("expunged"));
        return result;
    }

    /** One APPEND per message; each copy's UID is journaled as soon as the server gave it. */
    private void appendAll(long id, String target, Map<Long, Upload> uploads, UidSet uids, String sentStep) throws IOException {
        for (long uid : uids.toArray()) {
            Upload upload = uploads.get(uid);
            if (upload == null) throw new IllegalStateException("no upload prepared for UID " + uid);
            long dest = store.append(target, upload.message(), upload.flags(), upload.internalDate());
            listener.step(sentStep);
            if (dest > 0) state.recordCopies(account, id, Map.of(uid, dest));
        }
    }

    private void expunge(OpenFolder folder, UidSet uids) throws IOException {
        if (store.supportsUidPlus()) {
            folder.uidExpunge(uids);
        } else if (allowPlainExpunge) {
            folder.expungeAll();
        } else {
            listener.leftMarkedDeleted(folder.name(), uids);
        }
    }

    // ---- filing is idempotent

    /**
     * The plan without the copies an earlier run already made: a message whose fingerprint a completed entry filed in
     * the same target, with that copy still there (fetched and fingerprinted, not trusted), is not copied again. Each
     * copy found stands for one original only. A move of such a message becomes \Deleted + expunge.
     */
    private List<Action> withoutFiledCopies(OpenFolder folder, List<Action> plan, Map<Long, Original> originals)
            throws IOException {
        List<Action> out = new ArrayList<>();
        for (Action a : plan) {
            UidSet filed = a.kind().createsMessages() ? filedBefore(folder.name(), a.target(), a.uids(), originals) : UidSet.empty();
            if (filed.isEmpty()) {
                out.add(a);
                continue;
            }
            listener.warning("UIDs " + filed + " of " + folder.name() + " are already in " + a.target()
                    + ", filed there by an earlier run: not filed again");
            UidSet rest = a.uids().minus(filed);
            if (!rest.isEmpty()) out.add(a.withUids(rest));
            if (a.kind() == ActionKind.MOVE) {
                out.add(Action.flag(filed, Set.of(DELETED)));
                out.add(Action.expunge(filed));
            }
        }
        return out;
    }

    private UidSet filedBefore(String source, String target, UidSet uids, Map<Long, Original> originals) throws IOException {
        if (target.equals(source)) return UidSet.empty();
        Map<String, List<Long>> byFingerprint = new LinkedHashMap<>();
        for (long uid : uids.toArray()) {
            byFingerprint.computeIfAbsent(originals.get(uid).fingerprint(), f -> new ArrayList<>()).add(uid);
        }
        Map<String, List<FiledCopy>> filed = state.filedCopies(account, target, byFingerprint.keySet());
        if (filed.isEmpty()) return UidSet.empty();
        UidSet.Builder found = UidSet.builder();
        Set<Long> claimed = new HashSet<>();
        try (OpenFolder t = store.open(target, true)) {
            for (Map.Entry<String, List<FiledCopy>> e : filed.entrySet()) {
                Deque<Long> waiting = new ArrayDeque<>(byFingerprint.get(e.getKey()));
                for (FiledCopy copy : e.getValue()) {
                    if (waiting.isEmpty()) break;
                    long there = stillThere(t, copy, claimed);
                    if (there > 0) {
                        claimed.add(there);
                        found.add(waiting.poll());
                    }
                }
            }
        }
        return found.build();
    }

    /** The UID of the copy in the open target, verified by fingerprint, or 0 when it is gone. */
    private static long stillThere(OpenFolder target, FiledCopy copy, Set<Long> claimed) throws IOException {
        UidSet candidates;
        if (copy.destUid() > 0 && copy.targetUidValidity() == target.uidValidity()) {
            candidates = UidSet.of(copy.destUid());
        } else if (copy.messageId() != null) {
            // A hint only: HEADER search matches substrings, so every hit is fingerprinted below.
            candidates = target.search(SearchCriteria.all().header("Message-ID", copy.messageId()));
        } else {
            return 0;
        }
        for (UidSet chunk : candidates.minus(UidSet.copyOf(claimed)).chunks(FETCH_CHUNK)) {
            for (FetchedMessage m : target.fetch(chunk)) {
                if (MessageIds.digest(m.raw()).equals(copy.copyFingerprint())) return m.uid();
            }
        }
        return 0;
    }

    // ---- recovery

    /**
     * Completes every journaled plan a previous run did not finish, oldest first. A plan the server refuses (a folder
     * renamed or deleted, over quota, read-only) is skipped with a warning and retried next run, and abandoned after
     * {@link #ABANDON_AFTER}; a lost connection stops recovery. Returns how many entries were completed.
     */
    int recover(Rewriter rewriter) throws IOException {
        Map<Long, List<JournalEntry>> plans = new LinkedHashMap<>();
        for (JournalEntry e : state.pending(account)) plans.computeIfAbsent(e.plan(), p -> new ArrayList<>()).add(e);
        Set<String> claimed = new HashSet<>();
        int completed = 0;
        for (List<JournalEntry> plan : plans.values()) {
            for (JournalEntry entry : plan) {
                try {
                    if (recover(entry, rewriter, claimed)) completed++;
                } catch (MailStoreException e) {
                    if (!e.refused()) throw e;
                    stuck(entry, e);
                    break; // the rest of the plan (an expunge) must not run without this entry
                }
            }
        }
        return completed;
    }

    private void stuck(JournalEntry entry, MailStoreException e) throws IOException {
        if (state.failed(account, entry.id(), e.getMessage(), ABANDON_AFTER)) {
            listener.warning("WARNING: gave up on " + describe(entry) + ", unfinished since " + entry.created() + ": "
                    + e.getMessage() + ". Nothing was expunged for it; its messages stay where they are (journal entry "
                    + entry.id() + ")");
        } else {
            listener.warning("WARNING: cannot complete " + describe(entry) + " left unfinished by an earlier run: "
                    + e.getMessage() + ". Its messages are left alone; begone retries on every run and gives up after "
                    + entry.created().plus(ABANDON_AFTER));
        }
    }

    /** Returns false when the entry was abandoned rather than completed. */
    private boolean recover(JournalEntry entry, Rewriter rewriter, Set<String> claimed) throws IOException {
        listener.warning("completing an action an earlier run left unfinished: " + describe(entry));
        try (OpenFolder folder = store.open(entry.source(), false)) {
            if (folder.uidValidity() != entry.sourceUidValidity()) {
                // The old UIDs name nothing now. Nothing was expunged unconfirmed, so every message is still somewhere.
                listener.warning("folder " + entry.source() + " changed UIDVALIDITY; abandoning journal entry " + entry.id()
                        + " (nothing is expunged for it)");
                state.abandon(account, entry.id(), "source folder " + entry.source() + " changed UIDVALIDITY");
                return false;
            }
            UidSet present = folder.search(SearchCriteria.all()).intersect(entry.uids());
            if (!present.isEmpty()) resume(folder, entry, present, rewriter, claimed);
            state.completeAndAddScanned(account, entry.id(), entry.purpose().scannedKey(folder.name()), folder.uidValidity(),
                    entry.uids());
            listener.step(recoveryStep(entry, "done"));
            return true;
        }
    }

    private void resume(OpenFolder folder, JournalEntry entry, UidSet present, Rewriter rewriter, Set<String> claimed)
            throws IOException {
        switch (entry.kind()) {
            case FLAG -> folder.addFlags(present, entry.flags());
            case EXPUNGE -> expunge(folder, present);
            case COPY, APPEND, MOVE -> {
                UidSet proven = UidSet.copyOf(provenCopies(entry, present, claimed).keySet());
                UidSet missing = present.minus(proven);
                boolean moved = !missing.isEmpty() && copyAgain(folder, entry, missing, rewriter);
                if (entry.kind() == ActionKind.MOVE) {
                    UidSet toDelete = moved ? proven : present;
                    if (!toDelete.isEmpty()) {
                        folder.addFlags(toDelete, Set.of(DELETED));
                        expunge(folder, toDelete);
                    }
                }
            }
        }
        listener.step(recoveryStep(entry, "sent"));
    }

    /**
     * Copies {@code missing} again, after journaling what is copied now; returns true when that was a UID MOVE (the
     * originals are gone). An APPEND uploads a new rewrite, whose fingerprint replaces the journaled one.
     */
    private boolean copyAgain(OpenFolder folder, JournalEntry entry, UidSet missing, Rewriter rewriter) throws IOException {
        FolderStatus target = store.status(entry.target());
        boolean sameNumbering = target.uidValidity() == entry.targetUidValidity() && entry.targetUidNext() > 0;
        Map<Long, JournalEntry.Message> rows = rowsByUid(entry);
        boolean rowsKnown = missing.size() == rows.keySet().stream().filter(missing::contains).count();
        Map<Long, Upload> uploads = new HashMap<>();
        if (entry.kind() == ActionKind.APPEND || !rowsKnown || !sameNumbering) {
            List<JournalEntry.Message> now = new ArrayList<>();
            for (UidSet chunk : missing.chunks(FETCH_CHUNK)) {
                for (FetchedMessage m : folder.fetch(chunk)) {
                    Original o = Original.of(m);
                    String copy = o.fingerprint();
                    if (entry.kind() == ActionKind.APPEND) {
                        Upload upload = rewriter.rewrite(m);
                        uploads.put(m.uid(), upload);
                        copy = MessageIds.digest(upload.message());
                    }
                    now.add(new JournalEntry.Message(m.uid(), o.fingerprint(), o.size(), o.messageId(), copy, 0));
                }
            }
            state.reintend(account, entry.id(), target.uidValidity(), sameNumbering ? entry.targetUidNext() : target.uidNext(), now);
            listener.step(recoveryStep(entry, "intent"));
        }
        boolean move = entry.kind() == ActionKind.MOVE && store.supportsMove();
        switch (entry.kind()) {
            case APPEND -> appendAll(entry.id(), entry.target(), uploads, missing, recoveryStep(entry, "appended"));
            case COPY, MOVE -> {
                CopyResult result = move ? folder.move(missing, entry.target()) : folder.copy(missing, entry.target());
                state.recordCopies(account, entry.id(), result.destUidBySource());
            }
            case FLAG, EXPUNGE -> throw new IllegalStateException(entry.kind() + " copies nothing");
        }
        if (!move) {
            state.markCopied(account, entry.id(), Map.of());
            listener.step(recoveryStep(entry, "copied"));
        }
        return move;
    }

    /**
     * Which of {@code present} have a copy in the target, by source UID: all of them when the server confirmed the
     * copy; otherwise those whose copy's UID was journaled, and those paired with a copy found by fingerprint at or
     * above the journaled UIDNEXT. Candidates already paired ({@code claimed}) never pair again.
     */
    private Map<Long, Long> provenCopies(JournalEntry entry, UidSet present, Set<String> claimed) throws IOException {
        Map<Long, JournalEntry.Message> rows = rowsByUid(entry);
        Map<Long, Long> proven = new TreeMap<>();
        if (entry.step() == JournalEntry.Step.COPIED) {
            for (long uid : present.toArray()) proven.put(uid, rows.containsKey(uid) ? rows.get(uid).destUid() : 0);
            return proven;
        }
        if (entry.targetUidNext() == 0) return proven; // journaled before UIDNEXT was: nothing can be proven
        FolderStatus now = store.status(entry.target());
        if (now.uidValidity() != entry.targetUidValidity()) return proven; // the target was recreated: copies are gone
        List<JournalEntry.Message> unproven = new ArrayList<>();
        for (long uid : present.toArray()) {
            JournalEntry.Message m = rows.get(uid);
            if (m == null || m.copyFingerprint() == null) continue;
            if (m.destUid() > 0 && claimed.add(claimKey(entry, m.destUid()))) proven.put(uid, m.destUid());
            else unproven.add(m);
        }
        if (unproven.isEmpty()) return proven;
        try (OpenFolder target = store.open(entry.target(), true)) {
            UidSet candidates = candidates(target, entry, unproven);
            Map<String, Deque<Long>> byFingerprint = new HashMap<>();
            for (UidSet chunk : candidates.chunks(FETCH_CHUNK)) {
                for (FetchedMessage c : target.fetch(chunk)) {
                    if (claimed.contains(claimKey(entry, c.uid()))) continue;
                    byFingerprint.computeIfAbsent(MessageIds.digest(c.raw()), f -> new ArrayDeque<>()).add(c.uid());
                }
            }
            for (JournalEntry.Message m : unproven) {
                Deque<Long> copies = byFingerprint.get(m.copyFingerprint());
                if (copies == null || copies.isEmpty()) continue;
                long copy = copies.poll();
                claimed.add(claimKey(entry, copy));
                proven.put(m.uid(), copy);
            }
        }
        return proven;
    }

    /**
     * The target's messages that may be copies: those at or above the journaled UIDNEXT. A server-side copy keeps its
     * original's bytes, so where every original has a Message-ID the search is narrowed by it, a hint only (HEADER
     * matches substrings; the fingerprints decide). An upload is a rewrite, which need not keep the header.
     */
    private static UidSet candidates(OpenFolder target, JournalEntry entry, List<JournalEntry.Message> unproven)
            throws IOException {
        SearchCriteria fresh = SearchCriteria.all().fromUid(entry.targetUidNext());
        boolean hinted = entry.kind() != ActionKind.APPEND && unproven.stream().allMatch(m -> m.messageId() != null);
        if (!hinted) return target.search(fresh);
        UidSet.Builder found = UidSet.builder();
        for (String id : unproven.stream().map(JournalEntry.Message::messageId).distinct().toList()) {
            found.addAll(target.search(fresh.header("Message-ID", id)));
        }
        return found.build();
    }

    private static Map<Long, JournalEntry.Message> rowsByUid(JournalEntry entry) {
        Map<Long, JournalEntry.Message> rows = new HashMap<>();
        for (JournalEntry.Message m : entry.messages()) rows.put(m.uid(), m);
        return rows;
    }

    private static String claimKey(JournalEntry entry, long destUid) {
        return entry.target() + "\n" + entry.targetUidValidity() + "\n" + destUid;
    }

    private static String recoveryStep(JournalEntry entry, String step) {
        return "recover-" + entry.kind().name().toLowerCase(Locale.ROOT) + "." + step;
    }

    private static String describe(JournalEntry e) {
        return e.kind().name().toLowerCase(Locale.ROOT) + " of " + e.uids() + " in " + e.source()
                + (e.target() == null ? "" : " -> " + e.target());
    }

    private static UidSet uidsOf(List<Action> actions) {
        UidSet.Builder all = UidSet.builder();
        for (Action a : actions) all.addAll(a.uids());
        return all.build();
    }
}
