package dev.begone.classify.spamassassin;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads SpamAssassin's verdict back from the {@code X-Spam-Status} header of a message it processed. */
final class SpamStatus {
    private static final String NAME = "x-spam-status:";
    private static final Pattern STATUS = Pattern.compile(
            "(Yes|No),\\s*score=([-+]?\\d{1,9}(?:\\.\\d{1,9})?)\\s+required=([-+]?\\d{1,9}(?:\\.\\d{1,9})?)"
                    + "(?:\\s+tests=(\\S*))?.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private SpamStatus() {}

    static Verdict parse(byte[] processed) throws ClassifierException {
        String status = headerValue(new String(processed, StandardCharsets.ISO_8859_1));
        if (status == null) throw new ClassifierException("spamassassin's output has no X-Spam-Status header");
        Matcher m = STATUS.matcher(status);
        if (!m.matches()) throw new ClassifierException("spamassassin wrote a malformed X-Spam-Status: " + status);
        double score = Double.parseDouble(m.group(2));
        double required = Double.parseDouble(m.group(3));
        List<String> tests = new ArrayList<>();
        if (m.group(4) != null && !m.group(4).equalsIgnoreCase("none")) {
            for (String t : m.group(4).split(",")) if (!t.isBlank()) tests.add(t.strip());
        }
        Outcome outcome = m.group(1).equalsIgnoreCase("Yes") ? Outcome.SPAM : Outcome.HAM;
        return new Verdict(outcome, score, required, score - required, tests);
    }

    /** The unfolded value of the first X-Spam-Status in the top-level header, or null. */
    private static String headerValue(String text) {
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int end = nl < 0 ? text.length() : nl + 1;
            String line = text.substring(i, end);
            if (line.equals("\n") || line.equals("\r\n")) return null;
            if (line.toLowerCase(Locale.ROOT).startsWith(NAME)) {
                StringBuilder value = new StringBuilder(line.substring(NAME.length()).strip());
                while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
                    int next = text.indexOf('\n', end);
                    int stop = next < 0 ? text.length() : next + 1;
                    // SpamAssassin folds the tests list after a comma: join without a space there.
                    String cont = text.substring(end, stop).strip();
                    value.append(value.length() > 0 && value.charAt(value.length() - 1) == ',' ? "" : " ").append(cont);
                    end = stop;
                }
                return value.toString();
            }
            i = end;
        }
        return null;
    }
}
