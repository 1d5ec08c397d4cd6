package dev.begone.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How new mail is filed, in the order the stages run: routing, senders, duplicates, then (after the classifier)
 * the score levels. Plain data: the rules engine compiles and applies it.
 */
public record Filing(Routing routing, Senders senders, Optional<Duplicates> duplicates, Levels levels) {
    public static final Filing NONE = new Filing(Routing.NONE, Senders.NONE, Optional.empty(), Levels.NONE);

    public Filing {
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(senders, "senders");
        Objects.requireNonNull(duplicates, "duplicates");
        Objects.requireNonNull(levels, "levels");
    }

    /**
     * @param rules           first match wins: the file's {@code rules:}, then those of {@code rules-file:}
     * @param taggedAddresses {@code user+tag@domain} goes to folder {@code tag}
     * @param noSpamCheck     folders whose mail is not scored once routed there
     */
    public record Routing(List<RoutingRule> rules, boolean taggedAddresses, List<String> noSpamCheck) {
        public static final Routing NONE = new Routing(List.of(), false, List.of());

        public Routing {
            rules = List.copyOf(rules);
            noSpamCheck = List.copyOf(noSpamCheck);
        }
    }

    /** Sender addresses (From) with {@code *} wildcards: allowed mail is never filed as spam, denied mail always is. */
    public record Senders(List<String> allow, List<String> deny) {
        public static final Senders NONE = new Senders(List.of(), List.of());

        public Senders {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }
    }

    /** A score level: mail scoring above {@code above}, in the classifier's own scale, goes to the target. */
    public record Level(double above, Destination target) {
        public Level {
            if (!Double.isFinite(above)) throw new IllegalArgumentException("above must be a finite number, was " + above);
            Objects.requireNonNull(target, "target");
        }

        /** {@code above 5: Spam}, the score as a user would write it. */
        @Override
        public String toString() {
            String n = above == Math.rint(above) && Math.abs(above) < 1e15 ? String.valueOf((long) above) : String.valueOf(above);
            return "above " + n + ": " + target;
        }
    }

    /**
     * @param levels lowest first, strictly increasing; the highest level a score is above wins
     * @param unsure where mail in the classifier's unsure band goes; empty: left where it is
     */
    public record Levels(List<Level> levels, Optional<String> unsure) {
        public static final Levels NONE = new Levels(List.of(), Optional.empty());

        public Levels {
            levels = List.copyOf(levels);
            for (int i = 1; i < levels.size(); i++) {
                if (levels.get(i).above() <= levels.get(i - 1).above()) {
                    throw new IllegalArgumentException("levels must rise: " + levels.get(i).above() + " follows " + levels.get(i - 1).above());
                }
            }
            Objects.requireNonNull(unsure, "unsure");
        }
    }

    /**
     * 004_'s duplicate handling: of the messages with the same key seen within the window, one is kept.
     *
     * @param withinDays how far back an earlier copy counts
     * @param action     what happens to the others
     */
    public record Duplicates(By by, int withinDays, Keep keep, Destination action) {
        public enum By { MESSAGE_ID, BODY }

        public enum Keep { FIRST, LAST }

        public Duplicates {
            Objects.requireNonNull(by, "by");
            if (withinDays < 1) throw new IllegalArgumentException("withinDays must be at least 1, was " + withinDays);
            Objects.requireNonNull(keep, "keep");
            Objects.requireNonNull(action, "action");
        }
    }
}
