package dev.begone.cli;

import dev.begone.cli.IsbgDifferentialTest.OptionSet;
import dev.begone.cli.IsbgDifferentialTest.Seed;
import dev.begone.cli.IsbgOutcome.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The differences between isbg 2.3.1 and {@code begone isbg} that README.md lists under "Moving from isbg", each
 * written as what it does to isbg's outcome. {@link IsbgDifferentialTest} applies the ones an option set names to
 * isbg's outcome and requires begone's to be exactly the result, and checks that the README says every one of them.
 * Constants apply in declaration order.
 */
enum MovingFromIsbg {
    /**
     * isbg joins the flags with commas, Dovecot answers BAD, and isbg dies with a traceback after filing the copies
     * but before flagging or deleting anything and before its statistics.
     */
    FLAG_DELETE_WORKS("isbg's `--flag --delete` sends `(\\Flagged,\\Deleted)`") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            int spam = o.folder(spamFolder(set)).size();
            Set<String> filed = markers(o.folder(spamFolder(set)));
            o.folder("INBOX").replaceAll(m -> filed.contains(m.marker()) ? m.with("\\Flagged").with("\\Deleted") : m);
            o.runs.set(0, o.runs.get(0).withExit(0).withStderr(List.of(
                    spam + " spams found in " + inbox(set).size() + " messages", spam + "/" + spam + " was automatically deleted")));
        }
    },
    /** isbg returns 0 whatever it found: its exit-code branch tests {@code __name__ == '__main__'} inside a module. */
    EXITCODES_WORK("`--exitcodes` works") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            for (int i = 0; i < o.runs.size(); i++) {
                IsbgOutcome.Run r = o.runs.get(i);
                for (String line : r.stderr()) {
                    Matcher m = FOUND.matcher(line);
                    if (r.exit() != 0 || !m.matches()) continue;
                    int spam = Integer.parseInt(m.group(1));
                    int messages = Integer.parseInt(m.group(2));
                    int code = messages == 0 ? 0 : spam == 0 ? 1 : spam == messages ? 2 : 3;
                    o.runs.set(i, r.withExit(code));
                }
            }
        }
    },
    /**
     * isbg reads --learnthendestroy where it means --learnthenflag, so it never flags. Seen with --learnunflagged:
     * every message begone learns gets flagged, and the others already are.
     */
    LEARNTHENFLAG_WORKS("`--learnthenflag` works") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            for (String option : List.of("--learnspambox", "--learnhambox")) {
                String folder = set.value(option);
                if (folder != null) o.folder(folder).replaceAll(m -> m.with("\\Flagged"));
            }
        }
    },
    /** isbg copies learned ham to --movehamto and leaves it in the training folder too. */
    MOVEHAMTO_MOVES("`--movehamto` moves learned ham") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            Set<String> moved = markers(o.folder(set.value("--movehamto")));
            o.folder(set.value("--learnhambox")).removeIf(m -> moved.contains(m.marker()));
        }
    },
    /** isbg counts only --deletehigherthan in "N/M was automatically deleted"; begone counts --delete too. */
    DELETED_COUNTS_DELETE("`N/M was automatically deleted` counts every spam removed from the inbox") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            o.rewriteStderr(DELETED, m -> m.group(2) + "/" + m.group(2) + " was automatically deleted");
        }
    },
    /** isbg APPENDs SpamAssassin's output with no flags and no date, so the server dates it at scan time. */
    SPAM_COPY_KEEPS_FLAGS_AND_DATE("The copy in the spam folder keeps the original's flags and arrival date") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            List<Message> spam = o.folder(spamFolder(set));
            spam.replaceAll(m -> m.newDate() ? new Message(m.marker(), seedFlags(set, m.marker()), false) : m);
        }
    },
    /** isbg's SEARCH SMALLER finds messages already marked \Deleted and scans them. */
    DELETED_ARE_NOT_SCANNED("Messages already marked `\\Deleted` are not scanned") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            long deleted = inbox(set).stream().filter(s -> s.flags().contains("\\Deleted")).count();
            o.rewriteStderr(FOUND, m -> m.group(1) + " spams found in " + (Integer.parseInt(m.group(2)) - deleted) + " messages");
        }
    },
    /** isbg sends a plain EXPUNGE, which also removes what someone else had marked \Deleted. */
    EXPUNGE_ONLY_OWN("`--expunge` removes only the messages begone marked") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            Set<String> present = markers(o.folder("INBOX"));
            for (Seed s : inbox(set)) {
                if (s.flags().contains("\\Deleted") && !present.contains(s.marker())) {
                    o.folder("INBOX").add(new Message(s.marker(), new TreeSet<>(s.flags()), false));
                }
            }
        }
    },
    /** isbg searches SMALLER maxsize, which leaves out a message of exactly that size. */
    MAXSIZE_INCLUDES_EXACT_SIZE("isbg skips a message of exactly `--maxsize` bytes") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            int maxSize = Integer.parseInt(set.value("--maxsize"));
            List<Seed> exact = inbox(set).stream().filter(s -> s.raw().length == maxSize).toList();
            long spam = exact.stream().filter(s -> s.marker().startsWith("s")).count();
            o.rewriteStderr(FOUND, m -> (Integer.parseInt(m.group(1)) + spam) + " spams found in "
                    + (Integer.parseInt(m.group(2)) + exact.size()) + " messages");
            o.rewriteStderr(DELETED, m -> m.group(1) + "/" + (Integer.parseInt(m.group(2)) + spam) + " was automatically deleted");
            for (Seed s : exact) {
                if (s.marker().startsWith("s")) o.folder(spamFolder(set)).add(new Message(s.marker(), new TreeSet<>(s.flags()), false));
            }
        }
    },
    /** isbg's --dryrun calls no classifier: it calls the first message spam and the next five ham, then stops. */
    DRYRUN_SCORES("isbg's `--dryrun` never scores") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            long spam = inbox(set).stream().filter(s -> s.marker().startsWith("s") && !s.flags().contains("\\Deleted")).count();
            o.rewriteStderr(FOUND, m -> spam + " spams found in " + m.group(2) + " messages");
            o.rewriteStderr(DELETED, m -> m.group(1) + "/" + spam + " was automatically deleted");
        }
    },
    /** Without --exitcodes isbg raises its "error" code -1 out of main: Python prints a traceback and exits 1. */
    IMAP_ERROR_EXITS_11("isbg without `--exitcodes` dies with a Python traceback and exit code 1") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            o.runs.replaceAll(r -> r.exit() == 1 ? r.withExit(ExitCode.IMAP_ERROR.code()) : r);
        }
    },
    /** isbg raises its error with the code for "ok" when it may not prompt for a password. */
    NO_PASSWORD_EXITS_20("with `--noninteractive`, isbg printed a hint and exited 0; begone exits 20") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            o.runs.replaceAll(r -> r.exit() == 0 ? r.withExit(ExitCode.NO_TERMINAL.code()) : r);
        }
    },
    /** isbg prints only the names it cut out of the LIST answers. */
    IMAPLIST_SHOWS_SPECIAL_USE("`--imaplist` shows each folder's SPECIAL-USE attribute") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            Map<String, String> specialUse = Map.of("Junk", "Junk  \\Junk", "Trash", "Trash  \\Trash");
            o.runs.replaceAll(r -> r.withStderr(r.stderr().stream().map(l -> specialUse.getOrDefault(l, l)).sorted().toList()));
        }
    },
    /** isbg logs in, learns nothing, scans nothing and exits 0. */
    TEACHONLY_NEEDS_A_FOLDER("`--teachonly` without `--learnspambox` or `--learnhambox` is refused") {
        @Override
        void apply(OptionSet set, IsbgOutcome o) {
            o.runs.replaceAll(r -> r.withExit(ExitCode.BAD_ARGUMENTS.code()));
        }
    };

    private static final Pattern FOUND = Pattern.compile("(\\d+) spams found in (\\d+) messages");
    private static final Pattern DELETED = Pattern.compile("(\\d+)/(\\d+) was automatically deleted");

    private final String readme;

    MovingFromIsbg(String readme) {
        this.readme = readme;
    }

    /** Words README.md's "Moving from isbg" section must contain (whitespace collapsed). */
    String readme() {
        return readme;
    }

    abstract void apply(OptionSet set, IsbgOutcome expected);

    static IsbgOutcome expectedOfBegone(OptionSet set, IsbgOutcome isbg) {
        IsbgOutcome expected = isbg.copy();
        for (MovingFromIsbg d : values()) {
            if (set.differences().contains(d)) d.apply(set, expected);
        }
        return expected;
    }

    private static String spamFolder(OptionSet set) {
        String named = set.value("--spaminbox");
        return named != null ? named : "Junk";
    }

    private static List<Seed> inbox(OptionSet set) {
        return set.seeds().stream().filter(s -> s.folder().equals("INBOX")).toList();
    }

    private static TreeSet<String> seedFlags(OptionSet set, String marker) {
        Seed seed = set.seeds().stream().filter(s -> s.marker().equals(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no seed " + marker));
        return new TreeSet<>(seed.flags());
    }

    private static Set<String> markers(List<Message> messages) {
        Set<String> out = new TreeSet<>();
        for (Message m : new ArrayList<>(messages)) out.add(m.marker());
        return out;
    }
}
