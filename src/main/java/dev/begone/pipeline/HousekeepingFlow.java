package dev.begone.pipeline;

import dev.begone.config.Housekeeping;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.Purpose;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Retention and archives, by INTERNALDATE: the messages of a folder from before the cutoff day ({@code UID SEARCH
 * BEFORE}) are moved to the trash, deleted for good, or moved into the archive folder named by their year and month.
 * Each batch goes through the journal like any other move, so a crash loses and doubles nothing. A folder that is not
 * on the server has nothing to expire.
 */
final class HousekeepingFlow {
    private final Session session;
    private final HousekeepingSettings settings;
    private final ActionRunner runner;
    private final FolderNames folderNames;

    /** Messages moved or deleted, over all rules. */
    private int handled;

    HousekeepingFlow(Session session, HousekeepingSettings settings) {
        this.session = session;
        this.settings = settings;
        this.runner = new ActionRunner(session, settings.plainExpunge());
        this.folderNames = new FolderNames(session.store(), true);
    }

    /** Returns how many messages were moved or deleted. */
    int run() throws IOException {
        for (Housekeeping.Retention r : settings.rules().retention()) {
            String why = "older than " + r.olderThanDays() + " days (retention of " + r.folder() + ")";
            expire(r.folder(), r.olderThanDays(), m -> r.action() == Housekeeping.Retention.Removal.TRASH ? settings.trash() : null, why);
        }
        for (Housekeeping.Archive a : settings.rules().archive()) {
            String why = "older than " + a.olderThanDays() + " days (archive of " + a.folder() + ")";
            expire(a.folder(), a.olderThanDays(), m -> folderNames.ensure(archiveFolder(a.into(), m)), why);
        }
        return handled;
    }

    /** Where one old message goes: a folder's name on the server, or null to delete it for good. */
    private interface Destination {
        String of(FetchedMessage m) throws IOException;
    }

    private void expire(String configured, int days, Destination destination, String why) throws IOException {
        String name = folderNames.onServer(configured);
        if (!session.store().exists(name)) return;
        LocalDate cutoff = LocalDate.now(settings.zone()).minusDays(days);
        try (OpenFolder folder = session.store().open(name, false)) {
            UidSet held = session.state().pendingUids(session.account(), folder.name(), folder.uidValidity());
            UidSet old = folder.search(SearchCriteria.all().undeleted().before(cutoff).excluding(held));
            if (old.isEmpty()) return;
            for (UidSet batch : Batches.newestFirst(old, ScanSettings.DEFAULT_BATCH_SIZE, folder.sizes(old), Batches.MAX_BATCH_BYTES)) {
                if (session.stop().stopRequested()) return; // the rest is still old next time
                Map<String, UidSet.Builder> moves = new LinkedHashMap<>();
                UidSet.Builder delete = UidSet.builder();
                Map<Long, Original> originals = new HashMap<>();
                for (FetchedMessage m : folder.fetch(batch)) {
                    originals.put(m.uid(), Original.of(m).noting(ScanFlow.note(m.raw(), why)));
                    String target = destination.of(m);
                    if (target == null) delete.add(m.uid());
                    else if (!target.equals(folder.name())) moves.computeIfAbsent(target, t -> UidSet.builder()).add(m.uid());
                }
                List<Action> plan = new ArrayList<>();
                moves.forEach((target, uids) -> plan.add(Action.move(uids.build(), target)));
                UidSet forGood = delete.build();
                if (!forGood.isEmpty()) {
                    plan.add(Action.flag(forGood, Set.of(ActionRunner.DELETED)));
                    plan.add(Action.expunge(forGood));
                }
                if (plan.isEmpty()) continue;
                runner.perform(folder, Purpose.SCAN, plan, originals, Map.of());
                handled += originals.size();
            }
        }
    }

    /** {@code into} with {@code {year}} and {@code {month}} (two digits) of the message's INTERNALDATE. */
    private String archiveFolder(String into, FetchedMessage m) {
        ZonedDateTime date = m.internalDate().atZone(settings.zone());
        return into.replace("{year}", String.valueOf(date.getYear()))
                .replace("{month}", String.format(Locale.ROOT, "%02d", date.getMonthValue()));
    }
}
