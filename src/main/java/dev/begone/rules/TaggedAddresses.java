package dev.begone.rules;

import java.util.List;
import java.util.regex.Pattern;

/**
 * 004_'s {@code taggedboxes}: mail to {@code user+tag@domain} goes to folder {@code tag}, unless a routing rule chose
 * already. The envelope recipient the server recorded (Delivered-To, X-Original-To) is trusted first; only without
 * one do To and Cc count, the first tagged address winning. A tag becomes a folder only when it is a plain name
 * ({@code [a-z0-9][a-z0-9._-]*}, at most 64): no separators, wildcards or modified UTF-7 from a stranger's address.
 */
final class TaggedAddresses implements Stage<Incoming> {
    private static final List<String> ENVELOPE = List.of("delivered-to", "x-original-to");
    private static final List<String> VISIBLE = List.of("to", "cc");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final NoSpamCheck noSpamCheck;

    TaggedAddresses(NoSpamCheck noSpamCheck) {
        this.noSpamCheck = noSpamCheck;
    }

    @Override
    public Decision apply(Incoming in, Decision soFar) {
        if (!(soFar.target() instanceof Target.Keep)) return soFar; // routed by a rule
        Decision d = firstTagged(in.headers(), ENVELOPE, soFar);
        if (d != null) return d;
        for (String name : ENVELOPE) if (!in.headers().values(name).isEmpty()) return soFar;
        d = firstTagged(in.headers(), VISIBLE, soFar);
        return d != null ? d : soFar;
    }

    private Decision firstTagged(MessageHeaders h, List<String> fields, Decision soFar) {
        for (String field : fields) {
            for (String address : h.addresses(field)) {
                int at = address.lastIndexOf('@');
                int plus = address.indexOf('+');
                if (plus <= 0 || at < plus) continue;
                String tag = address.substring(plus + 1, at);
                if (TAG.matcher(tag).matches()) return noSpamCheck.route(soFar, tag, new Reason.Tagged(address, tag));
            }
        }
        return null;
    }
}
