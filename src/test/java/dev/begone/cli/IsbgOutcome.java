package dev.begone.cli;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an isbg user sees of one option set: per run the exit code and the summary lines on each stream, then every
 * folder's messages (named by their X-Marker header) with the flags that matter. Mutable, so that a documented
 * difference can turn isbg's outcome into the one begone is expected to have.
 */
final class IsbgOutcome {
    /** isbg's statistics lines, exactly as isbg 2.3.1 words them. */
    static final Pattern SUMMARY = Pattern.compile(
            "\\d+/\\d+ (spams|hams) learned|\\d+ spams found in \\d+ messages|\\d+/\\d+ was automatically deleted");
    static final Set<String> COMPARED_FLAGS = Set.of("\\Seen", "\\Flagged", "\\Deleted");
    private static final Pattern MARKER = Pattern.compile("(?m)^X-Marker: (\\S+)");

    /**
     * One message as found after the runs.
     *
     * @param newDate its INTERNALDATE is not the one it was delivered with (an APPEND dated at scan time)
     */
    record Message(String marker, TreeSet<String> flags, boolean newDate) implements Comparable<Message> {
        Message with(String flag) {
            TreeSet<String> f = new TreeSet<>(flags);
            f.add(flag);
            return new Message(marker, f, newDate);
        }

        Message withNewDate(boolean changed) {
            return new Message(marker, flags, changed);
        }

        boolean isSpam() {
            return marker.startsWith("s");
        }

        @Override
        public int compareTo(Message o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return marker + (flags.isEmpty() ? "" : " " + String.join(" ", flags)) + (newDate ? " (dated at scan time)" : "");
        }
    }

    /** One run: its exit code and the summary (or, for --imaplist, every) line it printed on each stream. */
    record Run(int exit, List<String> stdout, List<String> stderr) {
        static Run of(IsbgCli.Run run, boolean everyLine) {
            return new Run(run.exit(), lines(run.out(), everyLine), lines(run.err(), everyLine));
        }

        /** The summary lines in the order printed; or every line, sorted (isbg lists folders in the server's order). */
        private static List<String> lines(String text, boolean everyLine) {
            var lines = text.lines().map(String::strip);
            return everyLine ? lines.filter(l -> !l.isEmpty()).sorted().toList()
                    : lines.filter(l -> SUMMARY.matcher(l).matches()).toList();
        }

        Run withExit(int code) {
            return new Run(code, stdout, stderr);
        }

        Run withStderr(List<String> lines) {
            return new Run(exit, stdout, List.copyOf(lines));
        }
    }

    final List<Run> runs = new ArrayList<>();
    final SortedMap<String, List<Message>> folders = new TreeMap<>();

    IsbgOutcome copy() {
        IsbgOutcome c = new IsbgOutcome();
        c.runs.addAll(runs);
        folders.forEach((k, v) -> c.folders.put(k, new ArrayList<>(v)));
        return c;
    }

    /** Replaces every stderr line that {@code pattern} matches whole by what {@code rewrite} makes of the match. */
    void rewriteStderr(Pattern pattern, Function<Matcher, String> rewrite) {
        runs.replaceAll(r -> r.withStderr(r.stderr().stream().map(l -> {
            Matcher m = pattern.matcher(l);
            return m.matches() ? rewrite.apply(m) : l;
        }).toList()));
    }

    List<Message> folder(String name) {
        return folders.computeIfAbsent(name, k -> new ArrayList<>());
    }

    /** Reads every folder of the mailbox; {@code delivered} is each marker's INTERNALDATE at delivery. */
    void readMailbox(ImapSettings settings, Map<String, Instant> delivered) throws IOException {
        try (MailStore store = ImapMailStore.connect(settings)) {
            for (FolderInfo info : store.listFolders()) {
                List<Message> messages = folder(info.name());
                try (MailStore.OpenFolder f = store.open(info.name(), true)) {
                    UidSet all = f.search(SearchCriteria.all());
                    for (FetchedMessage m : all.isEmpty() ? List.<FetchedMessage>of() : f.fetch(all)) {
                        Matcher marker = MARKER.matcher(new String(m.raw(), StandardCharsets.ISO_8859_1));
                        String name = marker.find() ? marker.group(1) : "(no marker)";
                        TreeSet<String> flags = m.flags().stream().filter(COMPARED_FLAGS::contains)
                                .collect(Collectors.toCollection(TreeSet::new));
                        messages.add(new Message(name, flags, !m.internalDate().equals(delivered.get(name))));
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            sb.append("run ").append(i + 1).append(": exit ").append(r.exit()).append('\n');
            r.stdout().forEach(l -> sb.append("  stdout: ").append(l).append('\n'));
            r.stderr().forEach(l -> sb.append("  stderr: ").append(l).append('\n'));
        }
        folders.forEach((name, messages) -> {
            sb.append(name).append(':');
            messages.stream().sorted().forEach(m -> sb.append(" [").append(m).append(']'));
            sb.append('\n');
        });
        return sb.toString();
    }
}
