package dev.begone.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything about one account, with {@code defaults:} already applied: what a run of that account needs.
 *
 * @param name used in logs, metrics, state and {@code --account}
 */
public record AccountConfig(String name, ImapConfig imap, Folders folders, Limits limits, Schedule schedule,
                            ClassifierConfig classifier, Filing filing, Housekeeping housekeeping, Training training) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    public AccountConfig {
        checkName(name);
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(folders, "folders");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(filing, "filing");
        Objects.requireNonNull(housekeeping, "housekeeping");
        Objects.requireNonNull(training, "training");
    }

    /** Letters, digits and {@code . _ @ + -}, at most 64, so that a name is safe in logs, metrics labels and files. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("expected a name of letters, digits and . _ @ + - (at most 64, starting with a "
                    + "letter or digit), got '" + name + "'");
        }
        return name;
    }
}
