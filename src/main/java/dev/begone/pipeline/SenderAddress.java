package dev.begone.pipeline;

import java.util.Locale;
import java.util.Optional;

/**
 * The sender's address in a message's From header, lower-cased: the first {@code <angle address>}, else the bare
 * address with comments and quoted display names left out. Read from the undecoded header, so that an encoded word in
 * a display name cannot forge one.
 */
final class SenderAddress {
    private SenderAddress() {}

    static Optional<String> of(byte[] raw) {
        String from = MessageIds.header(raw, "From");
        if (from == null) return Optional.empty();
        String candidate;
        int open = from.indexOf('<');
        int close = open < 0 ? -1 : from.indexOf('>', open + 1);
        if (close > open) {
            candidate = from.substring(open + 1, close);
        } else {
            candidate = from.replaceAll("\\([^()]*\\)", " ").replaceAll("\"[^\"]*\"", " ").strip();
            int comma = candidate.indexOf(',');
            if (comma >= 0) candidate = candidate.substring(0, comma).strip();
        }
        String address = candidate.strip().toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        boolean plausible = at > 0 && at < address.length() - 1 && address.chars().noneMatch(c -> c <= ' ' || c == '<' || c == '>');
        return plausible ? Optional.of(address) : Optional.empty();
    }
}
