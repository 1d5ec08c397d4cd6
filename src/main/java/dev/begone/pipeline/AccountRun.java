package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.config.Filing;
import dev.begone.rules.SpamPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One account's run, whatever asked for it ({@code begone isbg}, {@code begone run}, the demo): finish what an
 * earlier run left unfinished, learn from each training folder, allow the senders of each whitelist folder, learn
 * from the user's moves, scan each folder, expire and archive old mail, then forget old journal entries.
 * The first failure ends the run: a connection lost or a classifier gone would fail every later step too. A stop
 * asked for through the session ends it between batches.
 */
public final class AccountRun {
    private AccountRun() {}

    /**
     * What to do for one account, in this order.
     *
     * @param learn            training folders, learnt from in list order
     * @param allowSenders     whitelist folders, whose senders are allowed after learning
     * @param fromMoves        learning from the user's own moves into and out of the spam folder; null: none
     * @param scan             folders scanned for spam, in list order
     * @param policy           what a verdict means for a scanned message
     * @param dryRun           leave unfinished actions of earlier runs alone (each flow's settings say dry run too)
     * @param plainExpunge     recovery may send a plain EXPUNGE to a server without UIDPLUS
     * @param journalRetention finished journal entries older than this are forgotten
     * @param housekeeping     retention and archives, after the scans ({@link HousekeepingSettings#NONE}: none)
     */
    public record Plan(List<LearnSettings> learn, List<AllowSenderSettings> allowSenders, FromMovesSettings fromMoves,
                       List<ScanSettings> scan, SpamPolicy policy, boolean dryRun, boolean plainExpunge,
                       Duration journalRetention, HousekeepingSettings housekeeping) {
        public Plan {
            Objects.requireNonNull(housekeeping, "housekeeping");
            learn = List.copyOf(learn);
            allowSenders = List.copyOf(allowSenders);
            scan = List.copyOf(scan);
            Objects.requireNonNull(policy, "policy");
            if (journalRetention.isNegative()) throw new IllegalArgumentException("journalRetention is negative");
        }

        /** A plan without whitelist folders, learning from the user's moves, or housekeeping. */
        public Plan(List<LearnSettings> learn, List<ScanSettings> scan, SpamPolicy policy, boolean dryRun,
                    boolean plainExpunge, Duration journalRetention) {
            this(learn, List.of(), null, scan, policy, dryRun, plainExpunge, journalRetention, HousekeepingSettings.NONE);
        }

        /**
         * These scanned folders alone ({@code begone watch} on new mail), after learning from the user's moves: a
         * filed spam the user moved back into a scanned folder is learnt as ham and counted as scanned there first,
         * so that the scan does not file it again.
         */
        public Plan scanOnly(Set<String> folders) {
            return new Plan(List.of(), List.of(), fromMoves, scan.stream().filter(s -> folders.contains(s.folder())).toList(),
                    policy, dryRun, plainExpunge, journalRetention, HousekeepingSettings.NONE);
        }

        /**
         * Learning from these folders alone ({@code begone watch} when they changed): the training and whitelist
         * folders among them, and the user's moves when the spam folder is among them.
         */
        public Plan learningFrom(Set<String> folders) {
            return new Plan(learn.stream().filter(l -> folders.contains(l.folder())).toList(),
                    allowSenders.stream().filter(a -> folders.contains(a.folder())).toList(),
                    fromMoves != null && folders.contains(fromMoves.spamFolder()) ? fromMoves : null, List.of(), policy,
                    dryRun, plainExpunge, journalRetention, HousekeepingSettings.NONE);
        }

        /** All but the scans ({@code begone watch}'s periodic cycle): the training part, then retention and archives. */
        public Plan withoutScans() {
            return new Plan(learn, allowSenders, fromMoves, List.of(), policy, dryRun, plainExpunge, journalRetention, housekeeping);
        }

        /** The training part alone ({@code begone learn}): recovery, training and whitelist folders, moves; no scan. */
        public Plan trainingOnly() {
            return new Plan(learn, allowSenders, fromMoves, List.of(), policy, dryRun, plainExpunge, journalRetention,
                    HousekeepingSettings.NONE);
        }
    }

    /** What learning from one folder did. */
    public record Learnt(String folder, Label label, LearnStats stats) {}

    /** What scanning one folder did. */
    public record Scanned(String folder, ScanResult result) {}

    /**
     * What the run did, per folder in plan order.
     *
     * @param recovered actions of an earlier run completed first
     * @param housekept messages retention and archives moved or deleted
     */
    public record Result(int recovered, List<Learnt> learnt, List<Scanned> scanned, int housekept) {
        public Result {
            learnt = List.copyOf(learnt);
            scanned = List.copyOf(scanned);
        }

        /** Messages newly learnt, over all training folders. */
        public int learned() {
            return learnt.stream().mapToInt(l -> l.stats().learned()).sum();
        }

        /** New messages scored, over all scanned folders. */
        public int messages() {
            return scanned.stream().mapToInt(s -> s.result().messages()).sum();
        }

        public int spam() {
            return scanned.stream().mapToInt(s -> s.result().spam()).sum();
        }
    }

    public static Result run(Session session, Plan plan) throws IOException {
        int recovered = 0;
        if (!plan.dryRun()) {
            recovered = Recovery.run(session, plan.plainExpunge());
            if (recovered > 0) session.listener().recovered(recovered);
        }
        List<Learnt> learnt = new ArrayList<>();
        for (LearnSettings l : plan.learn()) {
            if (session.stop().stopRequested()) break;
            learnt.add(new Learnt(l.folder(), l.label(), new LearnFlow(session, l).run()));
        }
        for (AllowSenderSettings a : plan.allowSenders()) new AllowSenderFlow(session, a).run();
        // After training, whose folders may take messages out of the spam folder; before the scan files new spam there.
        if (plan.fromMoves() != null) learnt.addAll(new FromMovesFlow(session, plan.fromMoves()).run());
        List<Scanned> scanned = new ArrayList<>();
        for (ScanSettings s : plan.scan()) {
            if (session.stop().stopRequested()) break;
            scanned.add(new Scanned(s.folder(), new ScanFlow(session, s, plan.policy()).run()));
        }
        int housekept = plan.dryRun() ? 0 : new HousekeepingFlow(session, plan.housekeeping()).run();
        // Duplicate keys count within their window only; without duplicates: configured, none counts.
        if (!plan.scan().isEmpty() && !plan.dryRun()) {
            int days = plan.scan().stream().mapToInt(s -> s.filing().duplicates().map(Filing.Duplicates::withinDays).orElse(0)).max().orElse(0);
            session.state().pruneDuplicates(session.account(), Duration.ofDays(days));
        }
        // Finished actions stay in the journal for a while (to see what was done), not forever.
        session.state().pruneJournal(session.account(), plan.journalRetention());
        return new Result(recovered, learnt, scanned, housekept);
    }
}
