package dev.begone.pipeline;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.UidSet;
import dev.begone.state.ActionKind;
import dev.begone.state.JournalEntry;
import dev.begone.state.Purpose;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code begone undo}: puts back what begone did to an account's mail since a time, newest action first, by the
 * journal. A message moved or copied is found by the UID the server gave its copy, checked by fingerprint, and moved
 * back to the folder it came from (through the journal, like any move; its new UID there counts as scanned, so the
 * next run leaves it); a copy whose original is still there is deleted instead; flags begone added are taken off. A
 * message put back is marked so in the journal and never put back twice. What cannot be put back (deleted for good,
 * expunged from the trash by the user, uploaded as a report) is listed with the reason.
 */
public final class Undo {
    /** The reason the journal gives undo's own moves; undo never undoes them. */
    static final String REASON = "undo of journal entry ";

    /**
     * One message: put back or not.
     *
     * @param folder where begone had found it, and where it goes back
     * @param from   where it was until now
     * @param detail why it could not be put back; empty when it was
     */
    public record Line(String folder, String from, String sender, String subject, boolean restored, String detail) {}

    private final Session session;
    private final boolean dryRun;
    private final ActionRunner runner;
    private final List<Line> lines = new ArrayList<>();
    /** Where a message put back by this undo is now: "folder\nUIDVALIDITY\nold UID" to its new UID there. */
    private final Map<String, Long> relocated = new HashMap<>();

    private Undo(Session session, boolean dryRun) {
        this.session = session;
        this.dryRun = dryRun;
        this.runner = new ActionRunner(session, false);
    }

    /** Puts back what was done since {@code since} (with {@code dryRun}, only says what it would put back). */
    public static List<Line> run(Session session, Instant since, boolean dryRun) throws IOException {
        if (!dryRun) Recovery.run(session, false); // an unfinished action is finished first, then undone
        Undo undo = new Undo(session, dryRun);
        undo.undo(since);
        return List.copyOf(undo.lines);
    }

    private void undo(Instant since) throws IOException {
        List<JournalEntry> entries = session.state().journal(session.account(), since);
        Map<Long, Set<Long>> restored = session.state().restored(session.account(), since);
        // Per plan, the source UIDs a copy or move of the plan filed elsewhere: their flags and expunge come with them.
        Map<Long, Set<Long>> filed = new HashMap<>();
        for (JournalEntry e : entries) {
            if (e.kind().createsMessages()) for (long uid : e.uids().toArray()) filed.computeIfAbsent(e.plan(), p -> new HashSet<>()).add(uid);
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (e.step() != JournalEntry.Step.DONE || isUndo(e)) continue;
            Set<Long> done = restored.getOrDefault(e.id(), Set.of());
            List<JournalEntry.Message> todo = e.messages().stream().filter(m -> !done.contains(m.uid())).toList();
            if (todo.isEmpty()) continue;
            Set<Long> filedInPlan = filed.getOrDefault(e.plan(), Set.of());
            switch (e.kind()) {
                case MOVE, COPY -> putBack(e, todo);
                case APPEND -> todo.forEach(m -> lines.add(line(e, m, false,
                        "filed as the classifier's report; the original was not kept")));
                case FLAG -> unflag(e, todo, filedInPlan);
                case EXPUNGE -> {
                    for (JournalEntry.Message m : todo) {
                        if (!filedInPlan.contains(m.uid())) lines.add(line(e, m, false, "deleted for good"));
                    }
                }
            }
        }
    }

    private static boolean isUndo(JournalEntry e) {
        return !e.messages().isEmpty() && e.messages().stream()
                .allMatch(m -> m.note() != null && m.note().reason() != null && m.note().reason().startsWith(REASON));
    }

    /** A move or copy: the copy goes back where its original was, or is deleted where the original still is. */
    private void putBack(JournalEntry e, List<JournalEntry.Message> todo) throws IOException {
        if (!session.store().exists(e.target())) {
            todo.forEach(m -> lines.add(line(e, m, false, e.target() + " is gone")));
            return;
        }
        try (OpenFolder target = session.store().open(e.target(), dryRun)) {
            Map<Long, JournalEntry.Message> byCopy = new HashMap<>();
            for (JournalEntry.Message m : todo) {
                long copy = m.destUid();
                Long moved = relocated.get(key(e.target(), e.targetUidValidity(), copy));
                if (moved != null) copy = moved;
                else if (target.uidValidity() != e.targetUidValidity()) copy = 0;
                if (copy > 0 && m.copyFingerprint() != null) byCopy.put(copy, m);
                else lines.add(line(e, m, false, "where its copy in " + e.target() + " is is not known"));
            }
            Map<Long, FetchedMessage> there = byCopy.isEmpty() ? Map.of() : fetch(target, UidSet.copyOf(byCopy.keySet()));
            Map<Long, Original> copies = new HashMap<>();
            for (Map.Entry<Long, JournalEntry.Message> c : byCopy.entrySet()) {
                FetchedMessage found = there.get(c.getKey());
                JournalEntry.Message m = c.getValue();
                if (found == null || !MessageIds.digest(found.raw()).equals(m.copyFingerprint())) {
                    lines.add(line(e, m, false, "no longer in " + e.target() + " (deleted or moved since)"));
                } else {
                    copies.put(found.uid(), Original.of(found).noting(ScanFlow.note(found.raw(), REASON + e.id())));
                    lines.add(line(e, m, true, ""));
                }
            }
            if (copies.isEmpty() || dryRun) return;
            UidSet copyUids = UidSet.copyOf(copies.keySet());
            Map<Long, Long> sourceOfCopy = new HashMap<>();
            for (Map.Entry<Long, JournalEntry.Message> c : byCopy.entrySet()) sourceOfCopy.put(c.getKey(), c.getValue().uid());
            if (e.kind() == ActionKind.COPY && originalsStillThere(e, copies.keySet(), sourceOfCopy)) {
                runner.perform(target, Purpose.SCAN, List.of(Action.flag(copyUids, Set.of(ActionRunner.DELETED)),
                        Action.expunge(copyUids)), copies, Map.of());
            } else {
                moveBack(e, target, copyUids, copies, sourceOfCopy);
            }
            session.state().markRestored(session.account(), e.id(), UidSet.copyOf(copies.keySet().stream().map(sourceOfCopy::get).toList()));
        }
    }

    /** Moves the copies back to the entry's source; their new UIDs there count as scanned, and are remembered. */
    private void moveBack(JournalEntry e, OpenFolder target, UidSet copyUids, Map<Long, Original> copies,
            Map<Long, Long> sourceOfCopy) throws IOException {
        if (!session.store().exists(e.source())) session.store().create(e.source());
        long sourceValidity = session.store().status(e.source()).uidValidity();
        List<Long> ids = runner.perform(target, Purpose.SCAN, List.of(Action.move(copyUids, e.source())), copies, Map.of());
        UidSet.Builder back = UidSet.builder();
        for (long id : ids) {
            for (JournalEntry.Message m : session.state().entry(session.account(), id).orElseThrow().messages()) {
                if (m.destUid() == 0) continue;
                back.add(m.destUid());
                relocated.put(key(e.source(), e.sourceUidValidity(), sourceOfCopy.get(m.uid())), m.destUid());
            }
        }
        UidSet now = back.build();
        if (!now.isEmpty()) session.state().addScanned(session.account(), e.purpose().scannedKey(e.source()), sourceValidity, now);
    }

    /** Whether every original of these copies is still in the source (a copy that left it there). */
    private boolean originalsStillThere(JournalEntry e, Set<Long> copyUids, Map<Long, Long> sourceOfCopy) throws IOException {
        try (OpenFolder source = session.store().open(e.source(), true)) {
            if (source.uidValidity() != e.sourceUidValidity()) return false;
            UidSet originals = UidSet.copyOf(copyUids.stream().map(sourceOfCopy::get).toList());
            return fetch(source, originals).size() == originals.size();
        }
    }

    /** Takes off the flags begone added, from the originals still there; a message expunged was filed or deleted. */
    private void unflag(JournalEntry e, List<JournalEntry.Message> todo, Set<Long> filedInPlan) throws IOException {
        if (!session.store().exists(e.source())) return;
        try (OpenFolder source = session.store().open(e.source(), dryRun)) {
            if (source.uidValidity() != e.sourceUidValidity()) return;
            Map<Long, FetchedMessage> there = fetch(source, UidSet.copyOf(todo.stream().map(JournalEntry.Message::uid).toList()));
            UidSet.Builder unflag = UidSet.builder();
            for (JournalEntry.Message m : todo) {
                FetchedMessage found = there.get(m.uid());
                if (found != null && MessageIds.digest(found.raw()).equals(m.fingerprint())) {
                    unflag.add(m.uid());
                    if (!filedInPlan.contains(m.uid())) lines.add(line(e, m, true, ""));
                }
            }
            UidSet uids = unflag.build();
            if (uids.isEmpty() || dryRun) return;
            source.removeFlags(uids, e.flags());
            session.state().markRestored(session.account(), e.id(), uids);
        }
    }

    private static Map<Long, FetchedMessage> fetch(OpenFolder folder, UidSet uids) throws IOException {
        Map<Long, FetchedMessage> out = new HashMap<>();
        for (UidSet chunk : uids.chunks(ScanSettings.DEFAULT_BATCH_SIZE)) for (FetchedMessage m : folder.fetch(chunk)) out.put(m.uid(), m);
        return out;
    }

    private static Line line(JournalEntry e, JournalEntry.Message m, boolean restored, String detail) {
        JournalEntry.Note n = m.note();
        String from = e.target() != null ? e.target() : e.source();
        return new Line(e.source(), from, n == null ? null : n.sender(), n == null ? null : n.subject(), restored, detail);
    }

    private static String key(String folder, long uidValidity, long uid) {
        return folder + "\n" + uidValidity + "\n" + uid;
    }
}
