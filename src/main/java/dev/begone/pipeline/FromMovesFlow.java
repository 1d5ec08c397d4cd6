package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.ActionKind;
import dev.begone.state.FiledCopy;
import dev.begone.state.JournalEntry;
import dev.begone.state.Purpose;
import dev.begone.state.SpamWatch;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Learns from the user's own moves, with no Sieve or IMAPSieve: begone compares its spam folder with what it saw there
 * last time and with its journal.
 * <ul>
 *   <li>A message that arrived in the spam folder and that begone did not put there (no journaled copy into it has its
 *       fingerprint) was moved there by the user: learnt as spam.
 *   <li>A message begone filed there (the journal knows its UID) that has left, unless begone took it out itself
 *       (retention, archives), was moved out by the user, or thrown away. It is looked for in every other folder by its Message-ID, a hint only: a candidate counts when its
 *       fingerprint is the filed copy's. Found outside the trash and the training folders, it is learnt as ham, and
 *       counts as scanned there, so that a scan does not file it again.
 * </ul>
 * The first look at a spam folder (or after its UIDVALIDITY changed) only records what is there: moves made before
 * begone watched teach nothing. What was seen is recorded after the classifier made its learning durable; a crash
 * in between repeats the lessons, which the record of learnt messages then skips.
 */
public final class FromMovesFlow {
    private static final int FETCH_CHUNK = 20;
    private static final String NO_SELECT = "\\noselect";
    private static final String NON_EXISTENT = "\\nonexistent";

    private final Session session;
    private final FromMovesSettings settings;

    public FromMovesFlow(Session session, FromMovesSettings settings) {
        this.session = session;
        this.settings = settings;
    }

    /** What was learnt: spam moved into the spam folder, then ham moved out of it. */
    public List<AccountRun.Learnt> run() throws IOException {
        Tally spam = new Tally(Label.SPAM);
        Tally ham = new Tally(Label.HAM);
        try (OpenFolder folder = session.store().open(settings.spamFolder(), true)) {
            UidSet present = folder.search(SearchCriteria.all());
            long uidNext = Math.max(folder.uidNext(), present.isEmpty() ? 1 : present.max() + 1);
            SpamWatch now = new SpamWatch(folder.uidValidity(), uidNext, present);
            Optional<SpamWatch> before = session.state().spamWatch(session.account(), folder.name());
            if (before.isPresent() && before.get().uidValidity() == folder.uidValidity()) {
                SpamWatch last = before.get();
                UidSet arrived = last.uidNext() > 1 ? present.minus(UidSet.range(1, last.uidNext() - 1)) : present;
                // Gone: what was there, and what came after the last look (begone's own filing included) and went.
                UidSet since = uidNext > last.uidNext() ? UidSet.range(last.uidNext(), uidNext - 1) : UidSet.empty();
                learnArrivals(folder, arrived, spam);
                learnDepartures(folder, last.present().union(since).minus(present), ham);
                Map<String, Label> lessons = new HashMap<>();
                for (Tally t : List.of(spam, ham)) for (String d : t.digests) lessons.put(d, t.label);
                session.classifier().sync(lessons);
                session.listener().step(LearnFlow.SYNCED_STEP);
                spam.record();
                ham.record();
            }
            session.state().watchSpam(session.account(), folder.name(), now);
        }
        return List.of(new AccountRun.Learnt(settings.spamFolder(), Label.SPAM, spam.stats()),
                new AccountRun.Learnt("moves out of " + settings.spamFolder(), Label.HAM, ham.stats()));
    }

    private void learnArrivals(OpenFolder folder, UidSet all, Tally tally) throws IOException {
        // Copies whose UIDs the server gave begone are its own at sight: only the others are fetched and fingerprinted.
        UidSet.Builder own = UidSet.builder();
        for (FiledCopy c : session.state().filedCopiesAt(session.account(), folder.name(), folder.uidValidity(), all)) own.add(c.destUid());
        UidSet arrived = all.minus(own.build());
        Map<Long, Long> sizes = folder.sizes(arrived);
        for (UidSet chunk : arrived.chunks(FETCH_CHUNK)) {
            UidSet fetchable = fetchable(folder.name(), chunk, sizes);
            if (fetchable.isEmpty()) continue;
            List<FetchedMessage> messages = folder.fetch(fetchable);
            Map<String, FetchedMessage> byFingerprint = new HashMap<>();
            for (FetchedMessage m : messages) byFingerprint.put(MessageIds.digest(m.raw()), m);
            Set<String> filedByBegone = session.state().filedThere(session.account(), folder.name(), byFingerprint.keySet());
            for (FetchedMessage m : messages) {
                if (!filedByBegone.contains(MessageIds.digest(m.raw()))) {
                    teach(folder.name(), m, Label.SPAM, "moved into " + folder.name() + " by the user", tally);
                }
            }
        }
    }

    private void learnDepartures(OpenFolder spamFolder, UidSet left, Tally tally) throws IOException {
        List<FiledCopy> missing = new ArrayList<>();
        for (FiledCopy c : session.state().filedCopiesAt(session.account(), spamFolder.name(), spamFolder.uidValidity(), left)) {
            // Without a Message-ID there is nothing to search by; the move teaches nothing.
            if (c.messageId() != null) missing.add(c);
        }
        if (missing.isEmpty()) return;
        UidSet begoneTookOut = removedByBegone(spamFolder);
        missing.removeIf(c -> begoneTookOut.contains(c.destUid()));
        for (FolderInfo info : session.store().listFolders()) {
            if (missing.isEmpty()) return;
            String name = info.name();
            if (name.equals(spamFolder.name()) || settings.notHam().contains(name) || !selectable(info)) continue;
            try (OpenFolder folder = session.store().open(name, true)) {
                UidSet claimed = UidSet.empty();
                for (FiledCopy copy : List.copyOf(missing)) {
                    Optional<FetchedMessage> found = find(folder, copy, claimed);
                    if (found.isEmpty()) continue;
                    missing.remove(copy);
                    claimed = claimed.union(UidSet.of(found.get().uid()));
                    teach(name, found.get(), Label.HAM, "moved out of " + spamFolder.name() + " by the user", tally);
                    if (settings.scanFolders().contains(name)) {
                        session.state().addScanned(session.account(), Purpose.SCAN.scannedKey(name), folder.uidValidity(),
                                UidSet.of(found.get().uid()));
                    }
                }
            }
        }
    }

    /**
     * The UIDs begone itself moved or deleted out of the spam folder (retention, archives): no user judged those.
     * Read only when filed spam has left, from the journal, which keeps as long as the copies it is matched with.
     */
    private UidSet removedByBegone(OpenFolder spamFolder) throws IOException {
        UidSet.Builder out = UidSet.builder();
        for (JournalEntry e : session.state().journal(session.account(), Instant.EPOCH)) {
            if (e.source().equals(spamFolder.name()) && e.sourceUidValidity() == spamFolder.uidValidity()
                    && (e.kind() == ActionKind.MOVE || e.kind() == ActionKind.EXPUNGE)) {
                out.addAll(e.uids());
            }
        }
        return out.build();
    }

    /** The copy in {@code folder}, found by its Message-ID and proven by its fingerprint. */
    private Optional<FetchedMessage> find(OpenFolder folder, FiledCopy copy, UidSet claimed) throws IOException {
        UidSet candidates = folder.search(SearchCriteria.all().header("Message-ID", copy.messageId())).minus(claimed);
        for (UidSet chunk : candidates.chunks(FETCH_CHUNK)) {
            UidSet fetchable = fetchable(folder.name(), chunk, folder.sizes(chunk));
            if (fetchable.isEmpty()) continue;
            for (FetchedMessage m : folder.fetch(fetchable)) {
                if (MessageIds.digest(m.raw()).equals(copy.copyFingerprint())) return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private UidSet fetchable(String folder, UidSet uids, Map<Long, Long> sizes) {
        UidSet.Builder out = UidSet.builder();
        for (long uid : uids.toArray()) {
            long size = sizes.getOrDefault(uid, 0L);
            if (size <= session.store().maxMessageBytes()) out.add(uid);
            else session.listener().skipped(folder, uid, size + " bytes is over the largest message begone fetches");
        }
        return out.build();
    }

    private static boolean selectable(FolderInfo info) {
        return info.attributes().stream().map(a -> a.toLowerCase(Locale.ROOT))
                .noneMatch(a -> a.equals(NO_SELECT) || a.equals(NON_EXISTENT));
    }

    /** Learns one moved message; a refusal is told and not retried, since the move is not seen again. */
    private void teach(String folder, FetchedMessage m, Label label, String why, Tally tally) throws IOException {
        session.listener().message(folder, m.uid(), m.raw());
        byte[] original = SpamAssassinReports.unwrap(m.raw());
        Headline headline = Headline.of(original);
        String digest = MessageIds.digest(original);
        Optional<Label> before = session.state().learnedAs(session.account(), digest, session.classifier().name());
        tally.toLearn++;
        LearnResult result;
        try {
            result = LearnFlow.teach(session, original, label, before);
        } catch (MessageRejectedException e) {
            tally.failed++;
            session.listener().skipped(folder, m.uid(), m.raw().length + " bytes, " + session.classifier().name()
                    + " failed: " + e.getMessage() + " (" + why + "; not tried again)");
            return;
        }
        session.listener().learned(folder, m.uid(), label, result);
        if (result == LearnResult.LEARNED) tally.learned++;
        tally.digests.add(digest);
        String what = before.filter(label::equals).isPresent() ? "already learnt as " + label.lowerName()
                : before.isPresent() ? "relearnt as " + label.lowerName() + " (learnt as " + before.get().lowerName() + " before)"
                : "learnt as " + label.lowerName();
        tally.lines.add(new TrainingOutcome(folder, m.uid(), headline, why + ": " + what, false));
    }

    /** One direction's lessons, recorded once the classifier has made them durable. */
    private final class Tally {
        final Label label;
        int toLearn;
        int learned;
        int failed;
        final List<String> digests = new ArrayList<>();
        final List<TrainingOutcome> lines = new ArrayList<>();

        Tally(Label label) {
            this.label = label;
        }

        void record() throws IOException {
            session.state().markLearned(session.account(), digests, session.classifier().name(), label);
            for (TrainingOutcome line : lines) session.listener().trainingOutcome(line);
        }

        LearnStats stats() {
            return new LearnStats(toLearn, learned, 0, failed);
        }
    }
}
