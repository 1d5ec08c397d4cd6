package dev.begone.rules;

import dev.begone.config.Filing.Duplicates;
import java.util.Optional;

/**
 * 004_'s duplicate suppression ({@code dupsok}, {@code dupmailbox}, {@code nodupbody}, {@code lastdupbody}) by
 * Message-ID or by normalised body, within a window of days. Whether a key was seen is the caller's
 * {@link DuplicateLog}'s answer; what the caller must remember afterwards is the decision's {@link DuplicateFollowUp}.
 * <ul>
 *   <li>{@code keep: first}: a copy whose key was seen goes to the action now; a new key is to be remembered.</li>
 *   <li>{@code keep: last}: this copy goes on through the stages like any new mail; when the key was seen, the earlier
 *       copies are to be moved to the action; either way the key is to be remembered as this copy.</li>
 * </ul>
 * A message without a key (no Message-ID, an empty body) is no one's duplicate.
 */
final class DuplicateCheck implements Stage<Incoming> {
    private final Duplicates config;
    private final Target action;

    DuplicateCheck(Duplicates config) {
        this.config = config;
        this.action = Target.of(config.action());
    }

    @Override
    public Decision apply(Incoming in, Decision soFar) {
        Optional<String> value = config.by() == Duplicates.By.MESSAGE_ID ? in.headers().messageId() : in.headers().bodyKey();
        if (value.isEmpty()) return soFar;
        DuplicateKey key = new DuplicateKey(config.by(), value.get());
        if (!in.duplicates().seenWithin(key, config.withinDays())) return soFar.owing(new DuplicateFollowUp(key, Optional.empty()));
        Reason why = new Reason.Duplicate(key, config.withinDays(), config.keep());
        if (config.keep() == Duplicates.Keep.FIRST) return soFar.decide(action, why);
        return soFar.because(why).owing(new DuplicateFollowUp(key, Optional.of(action)));
    }
}
