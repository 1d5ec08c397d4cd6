package dev.begone.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Work on old mail, by INTERNALDATE, on the account's schedule: retention and archives. */
public record Housekeeping(List<Retention> retention, List<Archive> archive) {
    public static final Housekeeping NONE = new Housekeeping(List.of(), List.of());

    public Housekeeping {
        retention = List.copyOf(retention);
        archive = List.copyOf(archive);
    }

    /** Messages of {@code folder} older than the given days are trashed, or deleted for good. */
    public record Retention(String folder, int olderThanDays, Removal action) {
        public enum Removal { TRASH, DELETE }

        public Retention {
            requireFolder(folder);
            requireDays(olderThanDays);
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * Messages of {@code folder} older than the given days move to {@code into}, whose {@code {year}} and
     * {@code {month}} stand for the message's date.
     */
    public record Archive(String folder, int olderThanDays, String into) {
        private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

        public Archive {
            requireFolder(folder);
            requireDays(olderThanDays);
            checkInto(into);
        }

        /** A folder name whose placeholders are {@code {year}} and {@code {month}} only. */
        public static String checkInto(String into) {
            requireFolder(into);
            Matcher m = PLACEHOLDER.matcher(into);
            while (m.find()) {
                if (!m.group(1).equals("year") && !m.group(1).equals("month")) {
                    throw new IllegalArgumentException("expected only the placeholders {year} and {month}, got {" + m.group(1) + "}");
                }
            }
            return into;
        }
    }

    private static void requireFolder(String folder) {
        if (folder == null || folder.isBlank()) throw new IllegalArgumentException("folder is empty");
    }

    private static void requireDays(int days) {
        if (days < 1) throw new IllegalArgumentException("olderThanDays must be at least 1, was " + days);
    }
}
