package dev.begone.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.config.Destination;
import dev.begone.config.Filing;
import dev.begone.config.Filing.Duplicates;
import dev.begone.config.RoutingRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The delivery rules of the shipped example account (alice in examples/config.yaml and alice.rules, every rule kind
 * of issue 9) decide as this table says; then what the example does not cover: duplicates by body, keep last,
 * no-spam-check on a tag, the delete guard, and the routing index against plain first-match over random rules.
 */
@Timeout(60)
class DeliveryRulesTest {
    private static final Path EXAMPLE = Path.of("examples/config.yaml");
    private static final DuplicateKey SEEN_ID = new DuplicateKey(Duplicates.By.MESSAGE_ID, "<seen@dup.test>");
    private static final DuplicateLog ALICE_LOG = (key, days) -> key.equals(SEEN_ID) && days == 14;

    private static Filing alice;
    private static DeliveryRules aliceRules;

    @BeforeAll
    static void compileTheExample() throws ConfigException {
        alice = Configuration.load(EXAMPLE, Map.of("HOME", "/home/alice")).account("alice").orElseThrow().filing();
        aliceRules = DeliveryRules.compile(alice, Set.of("learned@elsewhere.test"));
    }

    /**
     * @param headers header lines (LF; made CRLF); the body is "Hello."
     * @param verdict the classifier's, when the stages before it leave the message open; null: they must not
     * @param target  as {@link Target#toString()}: keep, trash, spam folder, delete, or the folder
     * @param why     {@link Decision#why()}, with {1}..{7} for the origins of alice's rules
     */
    record Row(String name, String headers, Verdict verdict, String target, String why) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Verdict spam(double score) {
        return new Verdict(Outcome.SPAM, score, 5, 1, List.of());
    }

    private static Verdict ham(double score) {
        return new Verdict(Outcome.HAM, score, 5, -1, List.of());
    }

    static Stream<Row> aliceTable() {
        String r1 = "rule 1 'From:.*@lists\\.example\\.org:lists/example' ({1})";
        String r2 = "rule 2 'Subject,X-Subject:^\\[ann\\]:announce' ({2})";
        String r3 = "rule 3 'To:.*unwanted@.*:DROP' ({3})";
        String r4 = "rule 4 'List-Id:<[^>]*\\.lists\\.example\\.org>:lists' ({4})";
        String r5 = "rule 5 'Subject:Logwatch for:security' ({5})";
        String r6 = "rule 6 'From,Sender:noreply@vendor\\.example:vendors' ({6})";
        String r7 = "rule 7 'X-Spam-Flag:^YES$:DROP' ({7})";
        String from = "From: Someone <someone@elsewhere.test>\nTo: alice@example.org\n";
        return Stream.of(
                // routing: every rule of the example, first match wins, any header of a rule, ignoring case
                new Row("a folder in no-spam-check decides at once", "From: List <announce@LISTS.example.org>\nTo: alice@example.org\nSubject: hi",
                        null, "lists/example", r1 + " matched From; lists/example is not spam-checked"),
                new Row("a routed folder is the ham destination", from + "Subject: [ANN] release 2.0", ham(1),
                        "announce", r2 + " matched Subject; ham, score 1 (threshold 5)"),
                new Row("a routed message that scores as spam goes to its level", from + "Subject: hi\nX-Subject: [ann] cheap", spam(12),
                        "Spam/high", r2 + " matched X-Subject; spam, score 12 (threshold 5); level above 10: Spam/high"),
                new Row("DROP moves to the Trash", "From: a@elsewhere.test\nTo: Someone <UNWANTED@corp.test>\nSubject: hi",
                        null, "trash", r3 + " matched To"),
                new Row("rules-file rules follow the inline ones", from + "List-Id: Dev list <dev.lists.example.org>", ham(0),
                        "lists", r4 + " matched List-Id; ham, score 0 (threshold 5)"),
                new Row("a folded header is matched unfolded", from + "Subject: Logwatch\n for host-1", ham(-2.5),
                        "security", r5 + " matched Subject; ham, score -2.5 (threshold 5)"),
                new Row("the second header of a rule counts", from + "Sender: NoReply@Vendor.example", ham(0),
                        "vendors", r6 + " matched Sender; ham, score 0 (threshold 5)"),
                new Row("an anchored pattern matches the whole value only", from + "X-Spam-Flag: YES", null,
                        "trash", r7 + " matched X-Spam-Flag"),
                new Row("an anchored pattern does not match a longer value", from + "X-Spam-Flag: YES, maybe", ham(0),
                        "keep", "ham, score 0 (threshold 5)"),
                new Row("the first matching rule wins", "From: a@elsewhere.test\nTo: unwanted@corp.test\nSubject: [ann] Logwatch for x",
                        ham(0), "announce", r2 + " matched Subject; ham, score 0 (threshold 5)"),
                new Row("an encoded-word subject is matched decoded", from + "Subject: =?UTF-8?B?W0FOTl0gTmV1ZSBWZXJzaW9u?=",
                        ham(0), "announce", r2 + " matched Subject; ham, score 0 (threshold 5)"),
                // tagged addresses
                new Row("a tagged recipient names the folder", "From: shop@elsewhere.test\nTo: Alice <alice+Shop@example.org>", ham(0),
                        "shop", "tagged address alice+shop@example.org; ham, score 0 (threshold 5)"),
                new Row("the envelope recipient is trusted over To", "From: x@elsewhere.test\nDelivered-To: alice@example.org\n"
                        + "To: alice+shop@example.org", ham(0), "keep", "ham, score 0 (threshold 5)"),
                new Row("a tag that is no plain name is ignored", "From: x@elsewhere.test\nTo: alice+a/b@example.org", ham(0),
                        "keep", "ham, score 0 (threshold 5)"),
                new Row("a rule is ahead of a tag", "From: x@elsewhere.test\nTo: alice+shop@example.org\nSubject: Logwatch for y",
                        ham(0), "security", r5 + " matched Subject; ham, score 0 (threshold 5)"),
                // allow and deny
                new Row("an allowed sender is never judged", "From: Boss <boss@EXAMPLE.org>\nTo: alice@example.org", null,
                        "keep", "sender boss@example.org allowed by *@example.org"),
                new Row("an allowed sender still goes where a rule routed it", "From: boss@example.org\nSubject: [ann] x", null,
                        "announce", r2 + " matched Subject; sender boss@example.org allowed by *@example.org"),
                new Row("an exact allow entry ignores case", "From: Friend@Example.NET", null,
                        "keep", "sender friend@example.net allowed by friend@example.net"),
                new Row("a sender learnt into the state is allowed", "From: learned@elsewhere.test", null,
                        "keep", "sender learned@elsewhere.test allowed (learned)"),
                new Row("a denied sender is spam without the classifier", "From: King <king@Spammer.Example>", null,
                        "spam folder", "sender king@spammer.example denied by *@spammer.example"),
                new Row("a wildcard stands for the whole local part, not a domain prefix", "From: x@notspammer.example", ham(0),
                        "keep", "ham, score 0 (threshold 5)"),
                // duplicates by Message-ID, keep first
                new Row("a Message-ID seen within the window goes to the duplicates folder", from + "Message-ID: <seen@dup.test>",
                        null, "Duplicates", "duplicate message-id <seen@dup.test> within 14 days (keep first)"),
                // score levels and the unsure band
                new Row("spam exactly at a level is not above it", from, spam(5), "spam folder", "spam, score 5 (threshold 5)"),
                new Row("spam above the first level", from, spam(5.5), "Spam", "spam, score 5.5 (threshold 5); level above 5: Spam"),
                new Row("exactly at the second level stays at the first", from, spam(10), "Spam", "spam, score 10 (threshold 5); level above 5: Spam"),
                new Row("just above the second level", from, spam(10.01), "Spam/high", "spam, score 10.01 (threshold 5); level above 10: Spam/high"),
                new Row("exactly at the top level", from, spam(20), "Spam/high", "spam, score 20 (threshold 5); level above 10: Spam/high"),
                new Row("above the top level is dropped", from, spam(20.5), "trash", "spam, score 20.5 (threshold 5); level above 20: drop"),
                new Row("levels go by the score even when the classifier says ham", from, new Verdict(Outcome.HAM, 7, 8, -0.2, List.of()),
                        "Spam", "ham, score 7 (threshold 8); level above 5: Spam"),
                new Row("the unsure band has its folder", from, new Verdict(Outcome.UNSURE, 50, 50, 0, List.of()), "Spam/maybe",
                        "unsure, score 50 (threshold 50)"),
                new Row("ham stays where it is", from, ham(4.9), "keep", "ham, score 4.9 (threshold 5)"),
                // malformed header blocks
                new Row("no readable field at all: left where it is", "\u0001\u0002 garbage without colon\n  more", null, "keep",
                        "malformed header block: no header field; line 1 is not a header field"),
                new Row("damage is noted and the rest still decides", "garbage line\nTo: unwanted@corp.test\n\tfolded\nbad line 2", null,
                        "trash", "malformed header block: line 1 is not a header field (and 1 more); " + r3 + " matched To"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aliceTable")
    void aliceExampleDecidesAsTheTableSays(Row row) {
        MessageHeaders headers = MessageHeaders.parse(message(row.headers()));
        Decision first = aliceRules.beforeClassifier(headers, ALICE_LOG);

        assertEquals(row.verdict() != null, first.needsClassifier(), first.why());
        Decision last = first.needsClassifier() ? aliceRules.afterClassifier(first, row.verdict()) : first;
        String why = row.why();
        for (int k = 1; k <= 7; k++) why = why.replace("{" + k + "}", alice.routing().rules().get(k - 1).origin());
        assertEquals(why, last.why());
        assertEquals(row.target(), last.target().toString());
        assertFalse(last.needsClassifier());
    }

    @Test
    @Timeout(10)
    void aPatternThatBacktracksWithoutEndIsSkippedForThatMessageAndTheNextRuleStillRoutes() {
        Filing f = new Filing(new Filing.Routing(List.of(
                new RoutingRule(List.of("Subject"), "(.*a){12}x", new Destination.Folder("slow"), "alice.rules:1"),
                new RoutingRule(List.of("Subject"), "aaaa", new Destination.Folder("fast"), "alice.rules:2")), false, List.of()),
                Filing.Senders.NONE, Optional.empty(), Filing.Levels.NONE);
        // the x lets the prefilter pass the rule on; then about 40^12 ways to share the a's among the twelve groups
        // before the missing x after them fails the match: years of work
        Decision d = DeliveryRules.compile(f, Set.of()).beforeClassifier(
                MessageHeaders.parse(message("Subject: x" + "a".repeat(40) + "!")), DuplicateLog.EMPTY);

        assertEquals(new Target.Folder("fast"), d.target());
        assertEquals("rule 1 'Subject:(.*a){12}x:slow' (alice.rules:1) gave up on Subject: its pattern backtracks too much on "
                + "this value, so the rule was skipped (rewrite the pattern); rule 2 'Subject:aaaa:fast' (alice.rules:2) matched Subject", d.why());
    }

    @Test
    void aLeadingDotStarPatternStillMatchesAtTheEndOfALongValue() {
        Filing f = new Filing(new Filing.Routing(List.of(
                new RoutingRule(List.of("References"), ".*@lists\\.example\\.org", new Destination.Folder("bills"), "alice.rules:1")), false, List.of()),
                Filing.Senders.NONE, Optional.empty(), Filing.Levels.NONE);
        // read from each of 10,000 starts before the one that matches: quadratic, yet within the budget
        Decision d = DeliveryRules.compile(f, Set.of()).beforeClassifier(
                MessageHeaders.parse(message("References: " + "<abc@x.test> ".repeat(770) + "<id@lists.example.org>")), DuplicateLog.EMPTY);

        assertEquals(new Target.Folder("bills"), d.target());
    }

    @Test
    void aFirstCopyIsToBeRememberedAndAFinalDecisionKeepsThatDebt() {
        Decision pending = aliceRules.beforeClassifier(MessageHeaders.parse(message("From: a@elsewhere.test\nMessage-ID: <new@x.test>")), ALICE_LOG);
        DuplicateFollowUp remember = new DuplicateFollowUp(new DuplicateKey(Duplicates.By.MESSAGE_ID, "<new@x.test>"), Optional.empty());

        assertEquals(Optional.of(remember), pending.duplicate());
        assertEquals(Optional.of(remember), aliceRules.afterClassifier(pending, spam(30)).duplicate());

        Decision duplicate = aliceRules.beforeClassifier(MessageHeaders.parse(message("From: a@elsewhere.test\nMessage-ID: <seen@dup.test>")), ALICE_LOG);
        assertEquals(Optional.empty(), duplicate.duplicate(), "keep first: a later copy is not remembered again");
    }

    @Test
    void keepLastSendsTheEarlierCopiesToTheActionAndJudgesTheNewOneAsUsual() {
        Filing f = new Filing(Filing.Routing.NONE, Filing.Senders.NONE,
                Optional.of(new Duplicates(Duplicates.By.BODY, 7, Duplicates.Keep.LAST, new Destination.Drop())), Filing.Levels.NONE);
        DeliveryRules rules = DeliveryRules.compile(f, Set.of());
        MessageHeaders report = MessageHeaders.parse(message("From: cron@host.test\nSubject: nightly report 1"));
        // the same body re-sent, re-encoded and re-wrapped
        MessageHeaders again = MessageHeaders.parse(("From: cron@host.test\r\nSubject: nightly report 2\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString("Hello.\n".getBytes(StandardCharsets.US_ASCII)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        DuplicateKey key = new DuplicateKey(Duplicates.By.BODY, report.bodyKey().orElseThrow());
        assertEquals(Optional.of(key.value()), again.bodyKey());
        List<DuplicateKey> asked = new ArrayList<>();
        DuplicateLog seen = (k, days) -> asked.add(k) && days == 7;

        Decision first = rules.beforeClassifier(report, DuplicateLog.EMPTY);
        Decision second = rules.beforeClassifier(again, seen);

        assertEquals(Optional.of(new DuplicateFollowUp(key, Optional.empty())), first.duplicate());
        assertTrue(second.needsClassifier(), "keep last: the newest copy goes on to be judged");
        assertEquals(Optional.of(new DuplicateFollowUp(key, Optional.of(Target.TRASH))), second.duplicate());
        assertEquals(List.of(key), asked);
        Decision judged = rules.afterClassifier(second, ham(0));
        assertEquals(Target.KEEP, judged.target());
        assertEquals("duplicate body " + key.value() + " within 7 days (keep last); ham, score 0 (threshold 5)", judged.why());
        assertEquals(second.duplicate(), judged.duplicate());
    }

    @Test
    void keepFirstByBodyMovesTheLaterCopy() {
        Filing f = new Filing(Filing.Routing.NONE, Filing.Senders.NONE,
                Optional.of(new Duplicates(Duplicates.By.BODY, 3, Duplicates.Keep.FIRST, new Destination.Folder("Dups"))), Filing.Levels.NONE);
        Decision d = DeliveryRules.compile(f, Set.of()).beforeClassifier(MessageHeaders.parse(message("Subject: x")), (k, days) -> true);

        assertEquals(new Target.Folder("Dups"), d.target());
        assertFalse(d.needsClassifier());
        assertEquals(Optional.empty(), d.duplicate());
    }

    @Test
    void aMessageWithoutKeyIsNoOnesDuplicate() {
        Filing f = new Filing(Filing.Routing.NONE, Filing.Senders.NONE,
                Optional.of(new Duplicates(Duplicates.By.MESSAGE_ID, 3, Duplicates.Keep.FIRST, new Destination.Drop())), Filing.Levels.NONE);
        Decision d = DeliveryRules.compile(f, Set.of()).beforeClassifier(MessageHeaders.parse("Subject: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII)),
                (k, days) -> {
                    throw new AssertionError("asked about " + k);
                });

        assertTrue(d.needsClassifier());
        assertEquals(Optional.empty(), d.duplicate());
    }

    @Test
    void aTagNamingANoSpamCheckFolderDecidesAtOnce() {
        Filing f = new Filing(new Filing.Routing(List.of(), true, List.of("receipts")), Filing.Senders.NONE, Optional.empty(), Filing.Levels.NONE);
        Decision d = DeliveryRules.compile(f, Set.of()).beforeClassifier(
                MessageHeaders.parse(message("X-Original-To: bob+receipts@example.net\nTo: list@example.net")), DuplicateLog.EMPTY);

        assertEquals(new Target.Folder("receipts"), d.target());
        assertEquals("tagged address bob+receipts@example.net; receipts is not spam-checked", d.why());
    }

    @Test
    void withoutLevelsSpamGoesToTheSpamFolderAndHamStays() {
        DeliveryRules rules = DeliveryRules.compile(Filing.NONE, Set.of());
        Decision pending = rules.beforeClassifier(MessageHeaders.parse(message("Subject: x")), DuplicateLog.EMPTY);

        assertEquals(Target.SPAM, rules.afterClassifier(pending, spam(6)).target());
        assertEquals(Target.KEEP, rules.afterClassifier(pending, ham(1)).target());
        assertEquals(Target.KEEP, rules.afterClassifier(pending, new Verdict(Outcome.UNSURE, 0, 0, 0, List.of())).target(),
                "without an unsure folder, unsure mail goes to its ham destination");
    }

    @Test
    void aDeleteLevelAtOrBelowTheClassifiersThresholdIsRefused() {
        Filing f = new Filing(Filing.Routing.NONE, Filing.Senders.NONE, Optional.empty(),
                new Filing.Levels(List.of(new Filing.Level(3, new Destination.Delete())), Optional.empty()));
        DeliveryRules rules = DeliveryRules.compile(f, Set.of());
        Decision pending = rules.beforeClassifier(MessageHeaders.parse(message("Subject: x")), DuplicateLog.EMPTY);

        DeleteThresholdTooLowException e = assertThrows(DeleteThresholdTooLowException.class, () -> rules.afterClassifier(pending, ham(0)));
        assertEquals("delete threshold 3.0 is at or below the classifier's spam threshold 5.0", e.getMessage());
        assertEquals(Target.DELETE, rules.afterClassifier(pending, new Verdict(Outcome.SPAM, 9, 2, 1, List.of())).target());
    }

    @Test
    void aFinalDecisionIsNotJudgedAgain() {
        Decision allowed = aliceRules.beforeClassifier(MessageHeaders.parse(message("From: boss@example.org")), ALICE_LOG);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aliceRules.afterClassifier(allowed, spam(30)));
        assertEquals("the decision is final already: sender boss@example.org allowed by *@example.org", e.getMessage());
    }

    @Test
    void routingIndexPicksTheSameRuleAsTryingEveryRuleInOrder() {
        long seed = 20261203L;
        Random random = new Random(seed);
        List<String> names = List.of("Subject", "From", "To", "List-Id", "X-Mailer");
        List<RandomPatterns.Generated> patterns = new ArrayList<>();
        List<RoutingRule> rules = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            RandomPatterns.Generated g = RandomPatterns.generate(random);
            patterns.add(g);
            List<String> headers = random.nextInt(4) == 0 ? List.of(pick(random, names), pick(random, names)) : List.of(pick(random, names));
            rules.add(new RoutingRule(headers, g.pattern(), new Destination.Folder("f" + (r + 1)), "random:" + (r + 1)));
        }
        DeliveryRules engine = DeliveryRules.compile(new Filing(new Filing.Routing(rules, false, List.of()), Filing.Senders.NONE,
                Optional.empty(), Filing.Levels.NONE), Set.of());
        List<Pattern> compiled = rules.stream().map(r -> Pattern.compile(r.pattern(), RoutingRule.PATTERN_FLAGS)).toList();
        int routed = 0;
        for (int m = 0; m < 3_000; m++) {
            StringBuilder text = new StringBuilder();
            for (int h = 0; h < 1 + random.nextInt(6); h++) {
                String value = random.nextInt(3) == 0 ? RandomPatterns.noise(random) : patterns.get(random.nextInt(patterns.size())).text(random);
                text.append(pick(random, names)).append(": ").append(value.replace('\n', ' ').replace('\r', ' ')).append("\r\n");
            }
            MessageHeaders headers = MessageHeaders.parse(text.append("\r\nbody").toString().getBytes(StandardCharsets.UTF_8));
            int expected = 0;
            search:
            for (int r = 0; r < rules.size(); r++) {
                for (String name : rules.get(r).headers()) {
                    for (String value : headers.values(name)) {
                        if (compiled.get(r).matcher(value).find()) {
                            expected = r + 1;
                            break search;
                        }
                    }
                }
            }
            Decision d = engine.beforeClassifier(headers, DuplicateLog.EMPTY);
            int got = d.reasons().stream().filter(Reason.Rule.class::isInstance).map(x -> ((Reason.Rule) x).number()).findFirst().orElse(0);
            String shown = text.toString();
            int want = expected;
            assertEquals(want, got, () -> "seed " + seed + ", message:\n" + shown + (want > 0 ? "expected rule /" + rules.get(want - 1).pattern() + "/" : ""));
            if (got > 0) routed++;
        }
        assertTrue(routed > 1_000, "most messages match some rule, got " + routed);
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** The header lines with CRLF, a blank line and "Hello.". */
    private static byte[] message(String headers) {
        String h = headers.isEmpty() || headers.endsWith("\n") ? headers : headers + "\n";
        return (h + "\nHello.\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
