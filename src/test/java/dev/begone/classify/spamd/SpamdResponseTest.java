package dev.begone.classify.spamd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SPAMD answer parser against the answers real spamd 4.0.1 gave (docs: real-servers.md section 2). */
@Timeout(30)
class SpamdResponseTest {
    private static final int LIMIT = 1 << 20;

    private static SpamdResponse parse(String raw) throws ClassifierException {
        return SpamdResponse.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), LIMIT);
    }

    @Test
    void pingAnswerIsPongWithoutHeaders() throws Exception {
        SpamdResponse r = parse("SPAMD/1.5 0 PONG\r\n");
        assertEquals("1.5", r.version());
        assertEquals(0, r.code());
        assertEquals("PONG", r.message());
        assertTrue(r.headers().isEmpty());
    }

    @Test
    void checkAnswerGivesOutcomeScoreAndThreshold() throws Exception {
        Verdict spam = parse("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n\r\n").verdict(false);
        assertEquals(new Verdict(Outcome.SPAM, 1000.0, 5.0, 995.0, List.of()), spam);
        Verdict ham = parse("SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.0 / 5.0\r\n\r\n").verdict(false);
        assertEquals(Outcome.HAM, ham.outcome());
        assertEquals(-5.0, ham.logOdds());
    }

    @Test
    void symbolsAnswerListsRulesInSpamdsOrder() throws Exception {
        Verdict v = parse("SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS")
                .verdict(true);
        assertEquals(List.of("GTUBE", "NO_RECEIVED", "NO_RELAYS"), v.reasons());
        Verdict learned = parse("SPAMD/1.1 0 EX_OK\r\nContent-length: 30\r\nSpam: False ; -1.5 / 5.0\r\n\r\nBAYES_00,NO_RECEIVED,NO_RELAYS")
                .verdict(true);
        assertEquals(new Verdict(Outcome.HAM, -1.5, 5.0, -6.5, List.of("BAYES_00", "NO_RECEIVED", "NO_RELAYS")), learned);
    }

    @Test
    void symbolsLineMayEndWithLineBreaks() throws Exception {
        Verdict v = parse("SPAMD/1.1 0 EX_OK\r\nContent-length: 13\r\nSpam: True ; 6 / 5\r\n\r\nGTUBE,BAYES\r\n").verdict(true);
        assertEquals(List.of("GTUBE", "BAYES"), v.reasons());
    }

    @Test
    void tellAnswersTellLearnedFromAlreadyKnown() throws Exception {
        SpamdResponse learned = parse("SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\n\r\n\r\n");
        assertEquals("local", learned.headers().get("didset"));
        SpamdResponse known = parse("SPAMD/1.1 0 EX_OK\r\n\r\n\r\n");
        assertNull(known.headers().get("DidSet"));
        assertEquals("local", parse("SPAMD/1.1 0 EX_OK\r\nDidRemove: local\r\n\r\n\r\n").headers().get("DidRemove"));
    }

    @Test
    void processAnswerCarriesTheRewrittenMessage() throws Exception {
        String msg = "X-Spam-Status: No, score=-0.0\r\n\r\nHi\r\n";
        SpamdResponse r = parse("SPAMD/1.1 0 EX_OK\r\nContent-length: " + msg.length() + "\r\nSpam: False ; -0.0 / 5.0\r\n\r\n" + msg);
        assertArrayEquals(msg.getBytes(StandardCharsets.ISO_8859_1), r.body());
    }

    @Test
    void tellWithoutAllowTellIsAClearError() throws Exception {
        SpamdResponse r = parse("SPAMD/1.0 69 Service Unavailable: TELL commands are not enabled, set the --allow-tell switch.\r\n");
        ClassifierException e = assertThrows(ClassifierException.class, () -> r.requireOk("127.0.0.1:783"));
        assertEquals("spamd at 127.0.0.1:783 answered 69 Service Unavailable: TELL commands are not enabled, "
                + "set the --allow-tell switch.", e.getMessage());
    }

    @Test
    void badRequestAnswerIsAnError() throws Exception {
        SpamdResponse r = parse("SPAMD/1.0 76 Bad header line: FOO SPAMC/1.5\r\n");
        ClassifierException e = assertThrows(ClassifierException.class, () -> r.requireOk("h:1"));
        assertEquals("spamd at h:1 answered 76 Bad header line: FOO SPAMC/1.5", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                                        // nothing at all
        "HTTP/1.1 200 OK\r\n\r\n",                                 // wrong protocol
        "SPAMD/1.1 zero EX_OK\r\n\r\n",                            // bad status line
        "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n",      // truncated inside the headers
        "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0",          // truncated inside a line
        "SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1 / 5\r\n\r\nGTUBE",   // body cut off
        "SPAMD/1.1 0 EX_OK\r\nContent-length: 99999999999\r\nSpam: True ; 1 / 5\r\n\r\n", // absurd length
        "SPAMD/1.1 0 EX_OK\r\nContent-length: -3\r\nSpam: True ; 1 / 5\r\n\r\n",
        "SPAMD/1.1 0 EX_OK\r\nthis is not a header\r\n\r\n",
        "SPAMD/1.1 0 EX_OK\r\n\r\n",                               // missing Spam header
        "SPAMD/1.1 0 EX_OK\r\nSpam: Maybe ; 1 / 5\r\n\r\n",       // bad Spam header
        "SPAMD/1.1 0 EX_OK\r\nSpam: True ; NaN / 5\r\n\r\n",
        "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1e308 / 5\r\n\r\n",
    })
    void malformedAnswersAreClassifierErrors(String raw) {
        assertThrows(ClassifierException.class, () -> parse(raw).requireOk("h:1").verdict(true));
    }

    @Test
    void headerLineOverEightKilobytesIsAnError() {
        String raw = "SPAMD/1.1 0 EX_OK\r\nX-Long: " + "a".repeat(SpamdResponse.MAX_LINE) + "\r\nSpam: True ; 1 / 5\r\n\r\n";
        ClassifierException e = assertThrows(ClassifierException.class, () -> parse(raw));
        assertEquals("spamd sent a header line longer than 8192 bytes", e.getMessage());
    }

    @Test
    void bodyOverTheCallersLimitIsRefusedBeforeReading() {
        String raw = "SPAMD/1.1 0 EX_OK\r\nContent-length: 2000\r\nSpam: True ; 1 / 5\r\n\r\n" + "x".repeat(2000);
        ClassifierException e = assertThrows(ClassifierException.class, () -> SpamdResponse.read(
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), 1000));
        assertEquals("spamd announced a 2000-byte answer, over the limit of 1000 bytes", e.getMessage());
    }

    static List<Integer> seeds() {
        return java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList();
    }

    /** Random bytes, and random damage to a real answer, give a ClassifierException or a result, never anything else. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomGarbageNeverThrowsAnythingButClassifierException(int seed) {
        Random random = new Random(seed);
        String real = "SPAMD/1.1 0 EX_OK\r\nContent-length: 27\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RECEIVED,NO_RELAYS";
        for (int round = 0; round < 200; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = new byte[random.nextInt(300)];
                random.nextBytes(input);
            } else {
                input = real.getBytes(StandardCharsets.ISO_8859_1);
                for (int k = random.nextInt(4); k >= 0; k--) input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
            }
            try {
                SpamdResponse r = SpamdResponse.read(new ByteArrayInputStream(input), 1000);
                r.requireOk("h:1").verdict(random.nextBoolean());
            } catch (ClassifierException expected) {
                // the only failure allowed
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " round " + round + " threw " + e, e);
            }
        }
    }
}
