package dev.begone.rules;

import dev.begone.config.Destination;
import dev.begone.config.RoutingRule;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * 004_'s routing rules, {@code Header[,Header]:pattern:folder|DROP}: the first rule one of whose headers has a value
 * in which the pattern is found (ignoring case) wins. Any occurrence of a header counts.
 *
 * <p>Each pattern is compiled once. Rules are indexed by header name, and per name a {@link LiteralScanner} over the
 * rules' {@link RequiredLiteral}s says, in one pass over a value, which rules can match it at all: only those few
 * (and the rules without a literal) run their regular expression, in rule order, so the first match is still the
 * first rule.
 */
final class RoutingRules implements Stage<Incoming> {
    private final Compiled[] rules;
    private final ByName byName;
    private final NoSpamCheck noSpamCheck;

    /** One rule, ready: its pattern compiled, its headers lower-cased (in the rule's order). */
    private record Compiled(int number, RoutingRule rule, Pattern pattern, List<String> headers) {
        /**
         * The first of the rule's headers (as written in the rule) with a matching value, or null; a value on which
         * the pattern spent its budget counts as not matching, and is told to {@code gaveUp}.
         */
        String matchingHeader(MessageHeaders h, List<Reason> gaveUp) {
            for (int k = 0; k < headers.size(); k++) {
                for (String value : h.values(headers.get(k))) {
                    try {
                        if (pattern.matcher(new BoundedText(value)).find()) return rule.headers().get(k);
                    } catch (BoundedText.Exhausted e) {
                        gaveUp.add(new Reason.RuleGaveUp(number, rule.toString(), rule.origin(), rule.headers().get(k)));
                    }
                }
            }
            return null;
        }
    }

    /** For one header name: the rules that may match a value, by literal, and those that must always be tried. */
    private record HeaderIndex(String name, LiteralScanner scanner, int[] always) {
        void mark(MessageHeaders h, int field, BitSet candidates) {
            if (scanner != null) h.scan(field, scanner, candidates);
            for (int r : always) candidates.set(r);
        }
    }

    /**
     * The header indexes by lower-cased name, looked up by a field's name hash and bytes (open addressing), so that
     * no field name becomes a String on the way.
     */
    private static final class ByName {
        private final HeaderIndex[] slots;

        ByName(List<HeaderIndex> indexes) {
            slots = new HeaderIndex[Integer.highestOneBit(Math.max(1, indexes.size()) * 4) * 2];
            for (HeaderIndex x : indexes) {
                int s = x.name().hashCode() & (slots.length - 1);
                while (slots[s] != null) s = (s + 1) & (slots.length - 1);
                slots[s] = x;
            }
        }

        HeaderIndex of(MessageHeaders h, int field) {
            int hash = h.nameHash(field);
            for (int s = hash & (slots.length - 1); slots[s] != null; s = (s + 1) & (slots.length - 1)) {
                if (slots[s].name().hashCode() == hash && h.nameIs(field, slots[s].name())) return slots[s];
            }
            return null;
        }
    }

    RoutingRules(List<RoutingRule> rules, NoSpamCheck noSpamCheck) {
        this.noSpamCheck = noSpamCheck;
        this.rules = new Compiled[rules.size()];
        Map<String, List<String>> literals = new HashMap<>(); // per header name: the literals of its rules...
        Map<String, List<Integer>> literalRules = new HashMap<>(); // ...and the rule each one stands for
        Map<String, List<Integer>> always = new HashMap<>();
        for (int r = 0; r < rules.size(); r++) {
            RoutingRule rule = rules.get(r);
            List<String> names = rule.headers().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            this.rules[r] = new Compiled(r + 1, rule, Pattern.compile(rule.pattern(), RoutingRule.PATTERN_FLAGS), names);
            List<String> required = RequiredLiteral.of(rule.pattern());
            for (String name : new LinkedHashSet<>(names)) {
                if (required.isEmpty()) always.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
                for (String literal : required) {
                    literals.computeIfAbsent(name, k -> new ArrayList<>()).add(literal);
                    literalRules.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
                }
            }
        }
        List<HeaderIndex> indexes = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(literals.keySet());
        names.addAll(always.keySet());
        for (String name : names) {
            LiteralScanner scanner = literals.containsKey(name)
                    ? new LiteralScanner(literals.get(name), literalRules.get(name).stream().mapToInt(Integer::intValue).toArray()) : null;
            indexes.add(new HeaderIndex(name, scanner, always.getOrDefault(name, List.of()).stream().mapToInt(Integer::intValue).toArray()));
        }
        this.byName = new ByName(indexes);
    }

    @Override
    public Decision apply(Incoming in, Decision soFar) {
        MessageHeaders h = in.headers();
        BitSet candidates = new BitSet(rules.length);
        for (int i = 0; i < h.size(); i++) {
            HeaderIndex index = byName.of(h, i);
            if (index != null) index.mark(h, i, candidates);
        }
        List<Reason> gaveUp = new ArrayList<>(0);
        Decision d = soFar;
        for (int r = candidates.nextSetBit(0); r >= 0; r = candidates.nextSetBit(r + 1)) {
            Compiled c = rules[r];
            String header = c.matchingHeader(h, gaveUp);
            for (Reason g : gaveUp) d = d.because(g);
            gaveUp.clear();
            if (header == null) continue;
            Reason why = new Reason.Rule(c.number(), c.rule().toString(), c.rule().origin(), header);
            if (c.rule().target() instanceof Destination.Folder f) return noSpamCheck.route(d, f.name(), why);
            return d.decide(Target.of(c.rule().target()), why); // DROP: to the Trash
        }
        return d;
    }
}
