package dev.begone.imap;

import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/** Parsing of the responses Angus has no API for, and the flag-string conventions of {@link MailStore}. */
final class ImapResponses {
    private static final Pattern COPYUID = Pattern.compile(
            "\\[COPYUID (\\d+) ([0-9:,]+) ([0-9:,]+)]", Pattern.CASE_INSENSITIVE);
    private static final Pattern ESEARCH_ALL = Pattern.compile("\\sALL\\s+([0-9:,]+)", Pattern.CASE_INSENSITIVE);
    private static final Map<String, Flags.Flag> SYSTEM_FLAGS = Map.of(
            "\\ANSWERED", Flags.Flag.ANSWERED,
            "\\DELETED", Flags.Flag.DELETED,
            "\\DRAFT", Flags.Flag.DRAFT,
            "\\FLAGGED", Flags.Flag.FLAGGED,
            "\\SEEN", Flags.Flag.SEEN);
    /** atom-char minus the list and resp-specials, as RFC 3501 allows in a keyword. */
    private static final Pattern KEYWORD = Pattern.compile("[!#$&'+-Z^-z|~]+");

    private ImapResponses() {}

    /** The UIDs of an ESEARCH (RFC 4731) or plain SEARCH answer. */
    static UidSet searchResult(Response[] responses) {
        UidSet.Builder b = UidSet.builder();
        for (Response r : responses) {
            if (!(r instanceof IMAPResponse ir) || !r.isUnTagged()) continue;
            if (ir.keyEquals("ESEARCH")) {
                Matcher m = ESEARCH_ALL.matcher(r.toString());
                if (m.find()) b.addAll(UidSet.parse(m.group(1)));
            } else if (ir.keyEquals("SEARCH")) {
                for (String token : r.getRest().trim().split(" +")) {
                    if (!token.isEmpty()) b.add(Long.parseLong(token));
                }
            }
        }
        return b.build();
    }

    /** COPYUID from the untagged OK (MOVE) or the tagged OK (COPY); {@link CopyResult#unknown()} when absent. */
    static CopyResult copyUid(Response[] responses) {
        for (Response r : responses) {
            if (!r.isOK()) continue;
            Matcher m = COPYUID.matcher(r.toString());
            if (m.find()) {
                return new CopyResult(Long.parseLong(m.group(1)), UidSet.parse(m.group(2)), UidSet.parse(m.group(3)));
            }
        }
        return CopyResult.unknown();
    }

    /** The unfolded value of {@code name} in a {@code BODY[HEADER.FIELDS (name)]} answer, or null. */
    static String headerValue(byte[] headerBytes, String name) {
        String text = new String(headerBytes, StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]", " ");
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : text.split("\r?\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) return line.substring(prefix.length()).trim();
        }
        return null;
    }

    /** Leaves out \Recent: it belongs to the session, cannot be stored, and would only be noise to callers. */
    static Set<String> flagStrings(Flags flags) {
        Set<String> out = new LinkedHashSet<>();
        for (Flags.Flag f : flags.getSystemFlags()) {
            if (f == Flags.Flag.ANSWERED) out.add("\\Answered");
            else if (f == Flags.Flag.DELETED) out.add("\\Deleted");
            else if (f == Flags.Flag.DRAFT) out.add("\\Draft");
            else if (f == Flags.Flag.FLAGGED) out.add("\\Flagged");
            else if (f == Flags.Flag.SEEN) out.add("\\Seen");
        }
        for (String keyword : flags.getUserFlags()) out.add(keyword);
        return out;
    }

    static Flags toFlags(Set<String> flags) {
        Flags out = new Flags();
        for (String f : flags) {
            Flags.Flag system = SYSTEM_FLAGS.get(checkFlag(f).toUpperCase(Locale.ROOT));
            if (system != null) out.add(system);
            else out.add(f);
        }
        return out;
    }

    /** {@code (\Seen $Junk)}, for STORE. */
    static String flagList(Set<String> flags) {
        StringBuilder sb = new StringBuilder("(");
        for (String f : flags) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(checkFlag(f));
        }
        return sb.append(')').toString();
    }

    private static String checkFlag(String flag) {
        if (flag.startsWith("\\")) {
            if (!SYSTEM_FLAGS.containsKey(flag.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("flag " + flag + " is not a settable IMAP system flag");
            }
        } else if (!KEYWORD.matcher(flag).matches()) {
            throw new IllegalArgumentException("flag '" + flag + "' is not a valid IMAP keyword");
        }
        return flag;
    }
}
