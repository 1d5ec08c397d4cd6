package dev.begone.pipeline;

import dev.begone.config.Housekeeping;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Work on old mail at the end of a run: retention and archives.
 *
 * @param rules  what to expire and what to archive
 * @param trash  where {@code action: trash} moves mail; null when no retention rule trashes
 * @param zone   whose calendar days "older than N days" counts, and names the archive's {year} and {month} in
 * @param plainExpunge a server without UIDPLUS may get a plain EXPUNGE for what is deleted for good
 */
public record HousekeepingSettings(Housekeeping rules, String trash, ZoneId zone, boolean plainExpunge) {
    public static final HousekeepingSettings NONE = new HousekeepingSettings(Housekeeping.NONE, null, ZoneId.of("UTC"), false);

    public HousekeepingSettings {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(zone, "zone");
        boolean trashes = rules.retention().stream().anyMatch(r -> r.action() == Housekeeping.Retention.Removal.TRASH);
        if (trashes && trash == null) throw new IllegalArgumentException("a retention rule trashes, but there is no trash folder");
    }
}
