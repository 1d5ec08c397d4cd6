package dev.begone.cli;

import dev.begone.config.AccountConfig;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.state.JournalEntry;
import dev.begone.state.StatePaths;
import dev.begone.state.StateStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What begone did lately, from the journal: one line per message and action, oldest first. */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = {"Shows what begone run did recently, from its journal: one line per message acted on, with the time, "
                + "account, folder, From, Subject, what was done and why (the rule, the score and level, the duplicate).",
            "Reads the state only; the mail server is not contacted."})
final class LogCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    /** A subject longer than this is cut, so that the reason stays on the screen. */
    private static final int MAX_TEXT = 60;

    private final Map<String, String> env;
    private final ZoneId zone;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    AccountSelection selection;

    @Option(names = "--since", paramLabel = "AGE", defaultValue = "24h", converter = Age.class,
            description = "How far back: a number and s, m, h or d (default: ${DEFAULT-VALUE}).")
    Duration since;

    LogCommand(Map<String, String> env, ZoneId zone) {
        this.env = env;
        this.zone = zone;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}. */
    static final class Age implements ITypeConverter<Duration> {
        private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

        @Override
        public Duration convert(String value) {
            Matcher m = AGE.matcher(value);
            if (!m.matches()) throw new IllegalArgumentException("expected a number and s, m, h or d (2h, 7d), got '" + value + "'");
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }

    private record Line(Instant time, long order, String[] cells) {}

    @Override
    public Integer call() throws ConfigException, java.io.IOException {
        Configuration c = config.load(env);
        List<String> accounts = selection.chosen(c).stream().map(AccountConfig::name).toList();
        StatePaths paths = StatePaths.defaults(env);
        List<Line> lines = new ArrayList<>();
        Instant from = Instant.now().minus(since);
        for (String account : accounts) {
            String key = ConfiguredAccount.stateKey(account);
            if (!Files.exists(paths.accountDb(key)) && !Files.exists(paths.sharedDb())) continue;
            // A copy in memory: reading never writes a state file nor waits on a run that holds it.
            try (StateStore state = StateStore.openAccountInMemoryCopy(paths, key)) {
                for (JournalEntry e : state.journal(key, from)) {
                    for (JournalEntry.Message m : e.messages()) lines.add(line(account, e, m));
                }
            }
        }
        lines.sort(Comparator.comparing(Line::time).thenComparingLong(Line::order));
        print(spec.commandLine().getOut(), lines);
        return ExitCode.OK.code();
    }

    private Line line(String account, JournalEntry e, JournalEntry.Message m) {
        JournalEntry.Note note = m.note();
        String done = switch (e.kind()) {
            case MOVE -> "moved to " + e.target();
            case COPY -> "copied to " + e.target();
            case APPEND -> "filed with its report in " + e.target();
            case FLAG -> "flagged " + String.join(" ", e.flags());
            case EXPUNGE -> "expunged";
        };
        if (e.step() == JournalEntry.Step.ABANDONED) done += " (abandoned: " + e.lastError() + ")";
        else if (e.step().pending()) done += " (unfinished)";
        String[] cells = {TIME.format(e.created().atZone(zone)), account, e.source(),
            cut(note == null ? null : note.sender()), cut(note == null ? null : note.subject()), done,
            note == null || note.reason() == null ? "" : note.reason()};
        return new Line(e.created(), e.id() * 1_000_000_000L + m.uid(), cells);
    }

    private static String cut(String text) {
        if (text == null) return "-";
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_TEXT ? oneLine : oneLine.substring(0, MAX_TEXT - 3) + "...";
    }

    /** Columns aligned; the last (why) is not padded, so that no line ends in blanks. */
    private static void print(PrintWriter out, List<Line> lines) {
        if (lines.isEmpty()) return;
        String[] header = {"time", "account", "folder", "from", "subject", "done", "why"};
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) width[i] = header[i].length();
        for (Line l : lines) for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], l.cells()[i].length());
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        lines.forEach(l -> rows.add(l.cells()));
        for (String[] row : rows) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) s.append("  ");
                s.append(row[i]);
                if (i < row.length - 1) s.append(" ".repeat(width[i] - row[i].length()));
            }
            out.println(s.toString().stripTrailing());
        }
    }
}
