package dev.begone.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.config.RoutingRule;
import java.util.ArrayList;
import java.util.Locale;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing prefilter is only as good as this promise: every match of a pattern contains one of its required
 * literals (folded). Shown on hand-picked patterns and on seeded random ones against random texts.
 */
@Timeout(60)
class RequiredLiteralTest {
    private static final long SEED = 20261203L;

    @ParameterizedTest(name = "{0} requires ''{1}''")  // || between the literals of alternatives
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', textBlock = """
            .*@lists\\.example\\.org => @lists.example.org
            ^\\[ann\\] => [ann]
            Logwatch for => logwatch for
            Postfix.log.summ => postfix
            checkServices| => ""
            spam-12|ham-34 => spam-12||ham-34
            ^(re|fwd): x|[a-z]+\\.y => ": x||.y"
            a(b|c)|d => a||d
            ^YES$ => yes
            noreply@vendor\\.example => noreply@vendor.example
            <[^>]*\\.lists\\.example\\.org> => .lists.example.org>
            colou?r-chart => r-chart
            abcd*e => abc
            ab{0,3}cdef => cdef
            ab{2}cd => ab
            (?i)x-long-literal => ""
            \\Qa.b\\E => ""
            \\p{L}+ mail => ""
            (foo|bar)-release-notes => -release-notes
            invoice-\\d+-paid => invoice-
            a(b|c)d => a
            . => ""
            \\x41bc => ""
            """)
    void literalsOfTypicalPatterns(String pattern, String literals) {
        Pattern.compile(pattern, RoutingRule.PATTERN_FLAGS); // valid, as configuration guarantees
        assertEquals(literals.isEmpty() ? List.of() : List.of(literals.split("\\|\\|")), RequiredLiteral.of(pattern));
    }

    @Test
    void foldingIsJavasOwnCaseInsensitiveKey() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            char f = RequiredLiteral.fold(c);
            if (f >= 128) continue;
            boolean javaSaysEqual = Pattern.compile(Pattern.quote(String.valueOf(f)), RoutingRule.PATTERN_FLAGS).matcher(String.valueOf(c)).matches();
            assertTrue(javaSaysEqual, "U+" + Integer.toHexString(c) + " folds to " + f);
        }
        for (char a = 0; a < 128; a++) {
            for (char c = 0; c < Character.MAX_VALUE; c++) {
                if (Character.isSurrogate(c)) continue;
                boolean equal = RequiredLiteral.fold(c) == RequiredLiteral.fold(a);
                if (!equal && (Character.toUpperCase(c) == Character.toUpperCase(a) || Character.toLowerCase(c) == Character.toLowerCase(a))) {
                    throw new AssertionError("U+" + Integer.toHexString(c) + " and '" + a + "' differ only in case but fold apart");
                }
            }
        }
    }

    @Test
    void everyMatchOfARandomPatternContainsItsLiteral() {
        Random random = new Random(SEED);
        int withLiteral = 0;
        int matched = 0;
        for (int p = 0; p < 4_000; p++) {
            RandomPatterns.Generated g = RandomPatterns.generate(random);
            Pattern compiled = Pattern.compile(g.pattern(), RoutingRule.PATTERN_FLAGS);
            List<String> literals = RequiredLiteral.of(g.pattern());
            if (!literals.isEmpty()) withLiteral++;
            LiteralScanner scanner = literals.isEmpty() ? null : new LiteralScanner(literals, new int[literals.size()]);
            for (int t = 0; t < 40; t++) {
                String text = t % 4 == 3 ? RandomPatterns.noise(random) : g.text(random);
                if (!compiled.matcher(text).find()) continue;
                matched++;
                if (scanner == null) continue;
                BitSet hit = new BitSet();
                scanner.scan(text, hit);
                assertTrue(hit.get(0), () -> "seed " + SEED + ": /" + g.pattern() + "/ matches '" + text + "' which lacks all of " + literals);
            }
        }
        assertTrue(withLiteral > 1_000, "most random patterns yield a literal, got " + withLiteral);
        assertTrue(matched > 100_000, "the texts drawn from the patterns match them, got " + matched);
    }

    @Test
    void scannerReportsEveryLiteralThatOccursAndNoOther() {
        Random random = new Random(SEED + 1);
        List<String> literals = new ArrayList<>();
        for (int k = 0; k < 300; k++) literals.add(RandomPatterns.word(random, 1 + random.nextInt(6)));
        int[] ids = new int[literals.size()];
        for (int k = 0; k < ids.length; k++) ids[k] = k;
        LiteralScanner scanner = new LiteralScanner(literals, ids);
        for (int t = 0; t < 2_000; t++) {
            String text = RandomPatterns.word(random, random.nextInt(40)).toUpperCase(Locale.ROOT);
            BitSet hit = new BitSet();
            scanner.scan(text, hit);
            for (int k = 0; k < literals.size(); k++) {
                assertEquals(text.toLowerCase(Locale.ROOT).contains(literals.get(k)), hit.get(k), "'" + literals.get(k) + "' in '" + text + "'");
            }
        }
    }
}
