package dev.begone.rules;

import dev.begone.classify.Verdict;
import dev.begone.config.Filing;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An account's delivery rules, compiled once: pure functions from a message's headers (and, if they leave it open,
 * the classifier's verdict) to a {@link Decision}. The stages run in the fixed order and the first one that
 * decides wins:
 * <ol>
 *   <li>routing rules, then tagged addresses (either may choose the ham destination, or decide at once: DROP, or a
 *       {@code no-spam-check} folder);</li>
 *   <li>the allow-list and the deny-list;</li>
 *   <li>duplicates;</li>
 *   <li>(the classifier: the caller's, between {@link #beforeClassifier} and {@link #afterClassifier});</li>
 *   <li>score levels and the unsure band;</li>
 *   <li>the ham destination.</li>
 * </ol>
 * No I/O: what the state knows comes in as arguments ({@code allowedSenders}, a {@link DuplicateLog}). Immutable and
 * safe to share between threads.
 *
 * <pre>{@code
 * Decision d = rules.beforeClassifier(MessageHeaders.parse(raw), duplicateLog);
 * if (d.needsClassifier()) d = rules.afterClassifier(d, classifier.classify(raw));
 * }</pre>
 */
public final class DeliveryRules {
    private final List<Stage<Incoming>> beforeClassifier;
    private final List<Stage<Verdict>> afterClassifier;

    private DeliveryRules(List<Stage<Incoming>> beforeClassifier, List<Stage<Verdict>> afterClassifier) {
        this.beforeClassifier = List.copyOf(beforeClassifier);
        this.afterClassifier = List.copyOf(afterClassifier);
    }

    /**
     * @param allowedSenders exact addresses the state's allow-list holds (learnt from whitelist folders), besides
     *                       the configuration's {@code allow:}
     */
    public static DeliveryRules compile(Filing filing, Set<String> allowedSenders) {
        NoSpamCheck noSpamCheck = new NoSpamCheck(Set.copyOf(filing.routing().noSpamCheck()));
        List<Stage<Incoming>> before = new ArrayList<>();
        before.add(new ReadableHeaders());
        if (!filing.routing().rules().isEmpty()) before.add(new RoutingRules(filing.routing().rules(), noSpamCheck));
        if (filing.routing().taggedAddresses()) before.add(new TaggedAddresses(noSpamCheck));
        if (!filing.senders().allow().isEmpty() || !filing.senders().deny().isEmpty() || !allowedSenders.isEmpty()) {
            before.add(new SenderLists(filing.senders(), allowedSenders));
        }
        filing.duplicates().ifPresent(d -> before.add(new DuplicateCheck(d)));
        return new DeliveryRules(before, List.of(new ScoreLevels(filing.levels()), new HamDestination()));
    }

    /**
     * Routing, tagged addresses, allow and deny lists, duplicates. The decision is final, or pending
     * ({@link Decision#needsClassifier()}) with the ham destination as its target.
     */
    public Decision beforeClassifier(MessageHeaders headers, DuplicateLog duplicates) {
        return run(beforeClassifier, new Incoming(Objects.requireNonNull(headers, "headers"),
                Objects.requireNonNull(duplicates, "duplicates")), Decision.UNDECIDED);
    }

    /** Score levels, the unsure band and the ham destination, for a pending decision: always final. */
    public Decision afterClassifier(Decision pending, Verdict verdict) {
        if (!pending.needsClassifier()) throw new IllegalArgumentException("the decision is final already: " + pending.why());
        Decision d = run(afterClassifier, Objects.requireNonNull(verdict, "verdict"), pending);
        if (d.needsClassifier()) throw new IllegalStateException("no stage after the classifier decided: " + d.why());
        return d;
    }

    /** Runs stages until one decides, holding each to its contract: a decision back, and the reasons it was given kept. */
    private static <I> Decision run(List<Stage<I>> stages, I input, Decision start) {
        Decision d = start;
        for (Stage<I> stage : stages) {
            if (!d.needsClassifier()) break;
            Decision next = stage.apply(input, d);
            if (next == null) throw new IllegalStateException(stage.getClass().getSimpleName() + " returned no decision");
            if (next.reasons().size() < d.reasons().size() || !next.reasons().subList(0, d.reasons().size()).equals(d.reasons())) {
                throw new IllegalStateException(stage.getClass().getSimpleName() + " dropped reasons: had " + d.why() + ", returned " + next.why());
            }
            d = next;
        }
        return d;
    }
}
