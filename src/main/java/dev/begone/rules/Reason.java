package dev.begone.rules;

import dev.begone.classify.Outcome;
import dev.begone.config.Filing;
import java.util.Locale;
import java.util.Objects;

/** Why a stage decided as it did: what the journal records and {@code begone log} shows. */
public sealed interface Reason {

    /**
     * Routing rule {@code number} (1-based, in the order the rules are read) matched a value of {@code header}.
     *
     * @param text   the rule as it could be written back
     * @param origin where it is written, {@code file:line}
     */
    record Rule(int number, String text, String origin, String header) implements Reason {
        public Rule {
            if (number < 1) throw new IllegalArgumentException("number must be at least 1, was " + number);
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(header, "header");
        }

        @Override
        public String toString() {
            return "rule " + number + " '" + text + "' (" + origin + ") matched " + header;
        }
    }

    /**
     * Routing rule {@code number}'s pattern backtracked past its budget on a value of {@code header}: the rule was
     * taken as not matching this message. A warning for the user, whose pattern needs rewriting.
     */
    record RuleGaveUp(int number, String text, String origin, String header) implements Reason {
        public RuleGaveUp {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(header, "header");
        }

        @Override
        public String toString() {
            return "rule " + number + " '" + text + "' (" + origin + ") gave up on " + header
                    + ": its pattern backtracks too much on this value, so the rule was skipped (rewrite the pattern)";
        }
    }

    /** begone had filed this very message (by fingerprint) into {@code spamFolder}, and the user took it back out. */
    record TakenBack(String spamFolder) implements Reason {
        public TakenBack {
            Objects.requireNonNull(spamFolder, "spamFolder");
        }

        @Override
        public String toString() {
            return "taken back out of " + spamFolder + " by the user: not judged again";
        }
    }

    /** A recipient {@code user+tag@domain} named the folder {@code tag}. */
    record Tagged(String address, String tag) implements Reason {
        @Override
        public String toString() {
            return "tagged address " + address;
        }
    }

    /** The folder routed to is in {@code no-spam-check}: its mail is not scored. */
    record NotSpamChecked(String folder) implements Reason {
        @Override
        public String toString() {
            return folder + " is not spam-checked";
        }
    }

    /** The sender matched {@code allow:} entry {@code entry}, or ({@code learned}) the allow-list kept in the state. */
    record Allowed(String sender, String entry, boolean learned) implements Reason {
        @Override
        public String toString() {
            return "sender " + sender + (learned ? " allowed (learned)" : " allowed by " + entry);
        }
    }

    /** The sender matched {@code deny:} entry {@code entry}. */
    record Denied(String sender, String entry) implements Reason {
        @Override
        public String toString() {
            return "sender " + sender + " denied by " + entry;
        }
    }

    /** A message with the same key was seen within the window; {@code keep} says which copy stays. */
    record Duplicate(DuplicateKey key, int withinDays, Filing.Duplicates.Keep keep) implements Reason {
        @Override
        public String toString() {
            return "duplicate " + key + " within " + withinDays + " days (keep " + keep.name().toLowerCase(Locale.ROOT) + ")";
        }
    }

    /** The classifier's verdict, on its own scale. */
    record Scored(Outcome outcome, double score, double threshold) implements Reason {
        @Override
        public String toString() {
            return outcome.name().toLowerCase(Locale.ROOT) + ", score " + number(score) + " (threshold " + number(threshold) + ")";
        }
    }

    /** The score was above this level, the highest one it was above. */
    record LevelReached(Filing.Level level) implements Reason {
        @Override
        public String toString() {
            return "level " + level;
        }
    }

    /** Part of the header block could not be read (the message was still judged on the rest). */
    record MalformedHeaders(String problem) implements Reason {
        @Override
        public String toString() {
            return "malformed header block: " + problem;
        }
    }

    /** A score as a user would write it: {@code 5}, {@code 12.5}. */
    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
