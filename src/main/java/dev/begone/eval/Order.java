package dev.begone.eval;

import java.util.Locale;

/** The order in which an evaluation presents a corpus: {@code file}, {@code date} or {@code shuffle:SEED}. */
public sealed interface Order {
    /** As listed in {@code labels.tsv} or the TREC index. */
    record FileOrder() implements Order {
        @Override
        public String toString() {
            return "file";
        }
    }

    /** By the Date header, stably; messages whose Date cannot be parsed come last, in file order. */
    record DateOrder() implements Order {
        @Override
        public String toString() {
            return "date";
        }
    }

    /** A seeded pseudo-random permutation, the same for the same seed and corpus. */
    record Shuffle(long seed) implements Order {
        @Override
        public String toString() {
            return "shuffle:" + seed;
        }
    }

    static Order parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("file")) return new FileOrder();
        if (t.equals("date")) return new DateOrder();
        if (t.startsWith("shuffle:")) {
            try {
                return new Shuffle(Long.parseLong(t.substring("shuffle:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shuffle seed is not a whole number: " + text, e);
            }
        }
        throw new IllegalArgumentException("unknown order '" + text + "' (expected file, date or shuffle:SEED)");
    }
}
