package dev.begone.rules;

import dev.begone.config.Filing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code allow:} and {@code deny:} on the sender's address in From, with {@code *} wildcards, ignoring case. Allowed
 * mail is never judged as spam: it goes to its ham destination now. Denied mail is spam without asking the
 * classifier. An address on both lists is allowed: losing a wanted mail is worse than keeping a spam. The allow-list
 * also holds the senders learnt into the state (whitelist folders), given as exact addresses.
 */
final class SenderLists implements Stage<Incoming> {
    private final Entries allow;
    private final Entries deny;
    private final Set<String> learned;

    SenderLists(Filing.Senders senders, Set<String> learned) {
        this.allow = new Entries(senders.allow());
        this.deny = new Entries(senders.deny());
        Set<String> lower = new HashSet<>();
        for (String s : learned) lower.add(s.toLowerCase(Locale.ROOT));
        this.learned = Set.copyOf(lower);
    }

    @Override
    public Decision apply(Incoming in, Decision soFar) {
        Optional<String> from = in.headers().sender();
        if (from.isEmpty()) return soFar;
        String sender = from.get();
        Optional<String> entry = allow.match(sender);
        if (entry.isPresent()) return soFar.decide(soFar.target(), new Reason.Allowed(sender, entry.get(), false));
        if (learned.contains(sender)) return soFar.decide(soFar.target(), new Reason.Allowed(sender, sender, true));
        entry = deny.match(sender);
        if (entry.isPresent()) return soFar.decide(Target.SPAM, new Reason.Denied(sender, entry.get()));
        return soFar;
    }

    /** One list: exact addresses looked up, wildcard entries compiled once into whole-address patterns. */
    private static final class Entries {
        private final Map<String, String> exact = new HashMap<>(); // lower-cased -> as configured
        private final List<String> wildcardEntries = new ArrayList<>();
        private final List<Pattern> wildcards = new ArrayList<>();

        Entries(List<String> entries) {
            for (String e : entries) {
                String lower = e.toLowerCase(Locale.ROOT);
                if (lower.indexOf('*') < 0) {
                    exact.put(lower, e);
                    continue;
                }
                String[] parts = lower.split("\\*", -1);
                StringBuilder regex = new StringBuilder();
                for (int k = 0; k < parts.length; k++) {
                    if (k > 0) regex.append(".*");
                    if (!parts[k].isEmpty()) regex.append(Pattern.quote(parts[k]));
                }
                wildcardEntries.add(e);
                wildcards.add(Pattern.compile(regex.toString(), Pattern.DOTALL));
            }
        }

        /** The entry (as configured) the lower-cased address matches. */
        Optional<String> match(String address) {
            String e = exact.get(address);
            if (e != null) return Optional.of(e);
            for (int k = 0; k < wildcards.size(); k++) {
                if (wildcards.get(k).matcher(address).matches()) return Optional.of(wildcardEntries.get(k));
            }
            return Optional.empty();
        }
    }
}
