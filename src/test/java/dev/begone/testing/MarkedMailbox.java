package dev.begone.testing;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The mailbox the fault sweep runs on. Every message carries a unique {@value #MARKER} header, so it can be found
 * again whatever happened to it, and the mailbox holds the traps that make recovery by Message-ID go wrong: two
 * spams sharing one Message-ID, messages without one, and target folders that already hold an older message with
 * the Message-ID of a message begone will file there.
 */
public final class MarkedMailbox {
    public static final String MARKER = "X-Begone-Marker";
    public static final String INBOX = "INBOX";
    public static final String SPAM = "Junk";
    public static final String LEARN_SPAM = "LearnSpam";
    public static final String LEARN_HAM = "LearnHam";
    public static final String HAM_ARCHIVE = "HamArchive";
    /** Where the configured training workflow moves what it learnt (rspamd-trainer's folders). */
    public static final String LEARNED_SPAM = "learned_spam";
    public static final String LEARNED_HAM = "learned_ham";
    private static final List<String> FOLDERS = List.of(INBOX, SPAM, LEARN_SPAM, LEARN_HAM, HAM_ARCHIVE, LEARNED_SPAM, LEARNED_HAM);

    /** The flags whose loss or gain a user notices; \Seen and \Recent are left out. */
    private static final Set<String> FLAGS_THAT_MATTER = Set.of("\\Deleted", "\\Flagged");

    /** Fixed dates keep every message byte-identical from one sweep run to the next (spamd's Bayes keys on them). */
    private static final ZonedDateTime DATE = ZonedDateTime.of(2026, 11, 30, 9, 0, 0, 0, ZoneOffset.UTC);

    private MarkedMailbox() {}

    /** One message: where it is delivered, its marker, its bytes. */
    public record Seed(String folder, String marker, byte[] raw) {}

    /** Where one copy of a message is: its folder and those of its flags that matter. */
    public record Where(String folder, Set<String> flags) {
        @Override
        public String toString() {
            return folder + (flags.isEmpty() ? "" : " " + flags);
        }
    }

    /**
     * How a placement differs from the one a fault-free run leaves, per marker: lost (expected somewhere, found
     * nowhere), duplicated (found more than once), misplaced (found once, in another folder, or found although the
     * fault-free run destroyed it) and flags (found once in the right folder with other flags that matter).
     */
    public record Damage(List<String> lost, List<String> duplicated, List<String> misplaced, List<String> flags) {
        public static Damage between(Map<String, List<Where>> expected, Map<String, List<Where>> actual) {
            List<String> lost = new ArrayList<>();
            List<String> duplicated = new ArrayList<>();
            List<String> misplaced = new ArrayList<>();
            List<String> flags = new ArrayList<>();
            Set<String> markers = new TreeSet<>(actual.keySet());
            for (Seed seed : seeds()) markers.add(seed.marker());
            for (String marker : markers) {
                List<Where> want = expected.getOrDefault(marker, List.of());
                List<Where> got = actual.getOrDefault(marker, List.of());
                if (got.size() > 1) {
                    duplicated.add(marker + " " + got);
                } else if (got.isEmpty() && !want.isEmpty()) {
                    lost.add(marker + " (belongs in " + want.get(0) + ")");
                } else if (got.size() == 1 && want.size() != 1) {
                    misplaced.add(marker + " in " + got.get(0) + " (a fault-free run leaves " + want + ")");
                } else if (got.size() == 1 && !got.get(0).folder().equals(want.get(0).folder())) {
                    misplaced.add(marker + " in " + got.get(0) + " (belongs in " + want.get(0) + ")");
                } else if (got.size() == 1 && !got.get(0).equals(want.get(0))) {
                    flags.add(marker + " " + got.get(0) + " (a fault-free run leaves " + want.get(0) + ")");
                }
            }
            return new Damage(List.copyOf(lost), List.copyOf(duplicated), List.copyOf(misplaced), List.copyOf(flags));
        }

        public boolean none() {
            return lost.isEmpty() && duplicated.isEmpty() && misplaced.isEmpty() && flags.isEmpty();
        }

        @Override
        public String toString() {
            if (none()) return "nothing lost, duplicated or misplaced";
            StringBuilder sb = new StringBuilder();
            if (!lost.isEmpty()) sb.append("lost ").append(lost).append("; ");
            if (!duplicated.isEmpty()) sb.append("duplicated ").append(duplicated).append("; ");
            if (!misplaced.isEmpty()) sb.append("misplaced ").append(misplaced).append("; ");
            if (!flags.isEmpty()) sb.append("flags ").append(flags).append("; ");
            return sb.substring(0, sb.length() - 2);
        }
    }

    /**
     * Every message of the sweep mailbox, by folder. Each entry: the kind, its index in {@link TestMail} (bodies and
     * dates differ by index), and its Message-ID ("own" keeps TestMail's, null leaves it out).
     */
    public static List<Seed> seeds() {
        return List.of(
                seed(INBOX, "ham", 500, "own"),
                seed(INBOX, "ham", 501, null),
                seed(INBOX, "ham", 502, "own"),
                // A list copy and a Cc of one spam: two messages, one Message-ID.
                seed(INBOX, "spam", 500, "<twice@lottery.example>"),
                seed(INBOX, "spam", 501, "<twice@lottery.example>"),
                // The spam folder already holds an older message with this Message-ID.
                seed(INBOX, "spam", 502, "<filed-before@lottery.example>"),
                seed(INBOX, "spam", 503, null),
                seed(INBOX, "spam", 504, "own"),
                seed(SPAM, "spam", 505, "<filed-before@lottery.example>"),
                seed(LEARN_SPAM, "spam", 510, "<twice-learnt@lottery.example>"),
                seed(LEARN_SPAM, "spam", 511, "<twice-learnt@lottery.example>"),
                seed(LEARN_SPAM, "spam", 512, null),
                seed(LEARN_SPAM, "spam", 513, "own"),
                seed(LEARN_HAM, "ham", 510, "<twice@example.org>"),
                seed(LEARN_HAM, "ham", 511, "<twice@example.org>"),
                seed(LEARN_HAM, "ham", 512, null),
                // The --movehamto folder already holds an older message with this Message-ID.
                seed(LEARN_HAM, "ham", 513, "<archived-before@example.org>"),
                seed(LEARN_HAM, "ham", 514, "own"),
                seed(HAM_ARCHIVE, "ham", 515, "<archived-before@example.org>"));
    }

    /** Makes the sweep's folders hold {@link #seeds()} and nothing else (creating any that are missing). */
    public static void refill(Dovecot dovecot, String user) throws IOException {
        Map<String, List<byte[]>> byFolder = new LinkedHashMap<>();
        for (String folder : FOLDERS) byFolder.put(folder, new ArrayList<>());
        for (Seed seed : seeds()) byFolder.get(seed.folder()).add(seed.raw());
        dovecot.replace(user, byFolder);
    }

    /** Where every marked message is now, in every folder of the account (a message found twice is listed twice). */
    public static Map<String, List<Where>> placement(ImapSettings user) throws IOException {
        Map<String, List<Where>> found = new TreeMap<>();
        try (MailStore store = ImapMailStore.connect(user)) {
            for (FolderInfo info : store.listFolders()) {
                if (info.hasAttribute("\\Noselect") || info.hasAttribute("\\NonExistent")) continue;
                List<FetchedMessage> messages;
                try (MailStore.OpenFolder f = store.open(info.name(), true)) {
                    UidSet all = f.search(SearchCriteria.all());
                    messages = all.isEmpty() ? List.of() : f.fetch(all);
                }
                for (FetchedMessage m : messages) {
                    Set<String> flags = new TreeSet<>(m.flags());
                    flags.retainAll(FLAGS_THAT_MATTER);
                    found.computeIfAbsent(marker(m.raw()), k -> new ArrayList<>()).add(new Where(info.name(), Set.copyOf(flags)));
                }
            }
        }
        return found;
    }

    /** The marker of a message, or {@code "(unmarked)"}. */
    public static String marker(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        String prefix = MARKER + ": ";
        int at = text.startsWith(prefix) ? 0 : text.indexOf("\n" + prefix);
        if (at < 0) return "(unmarked)";
        int start = text.indexOf(prefix, at) + prefix.length();
        return text.substring(start, text.indexOf('\r', start));
    }

    private static Seed seed(String folder, String kind, int i, String messageId) {
        String marker = folder.toLowerCase(Locale.ROOT) + "-" + kind + "-" + i;
        String text = new String(kind.equals("spam") ? TestMail.spam(i) : TestMail.ham(i), StandardCharsets.US_ASCII);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(DATE.plusMinutes(i));
        text = text.replaceFirst("\r\nDate: [^\r]*\r\n", "\r\nDate: " + date + "\r\n");
        if (messageId == null) {
            text = text.replaceFirst("\r\nMessage-ID: [^\r]*\r\n", "\r\n");
        } else if (!messageId.equals("own")) {
            text = text.replaceFirst("\r\nMessage-ID: [^\r]*\r\n", "\r\nMessage-ID: " + messageId + "\r\n");
        }
        return new Seed(folder, marker, (MARKER + ": " + marker + "\r\n" + text).getBytes(StandardCharsets.US_ASCII));
    }
}
