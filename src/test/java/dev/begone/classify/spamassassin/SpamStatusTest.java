package dev.begone.classify.spamassassin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Outcome;
import dev.begone.classify.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpamStatusTest {
    private static Verdict parse(String s) throws ClassifierException {
        return SpamStatus.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void foldedTestsListIsJoinedBackTogether() throws Exception {
        Verdict v = parse("X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on vm\r\n"
                + "X-Spam-Status: Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT,\r\n"
                + "\tNO_RECEIVED,NO_RELAYS,TVD_SPACE_RATIO autolearn=disabled version=4.0.1\r\n\r\nbody\r\n");
        assertEquals(new Verdict(Outcome.SPAM, 1000.0, 5.0, 995.0,
                List.of("GTUBE", "MSGID_SHORT", "NO_RECEIVED", "NO_RELAYS", "TVD_SPACE_RATIO")), v);
    }

    @Test
    void noTestsIsAnEmptyList() throws Exception {
        Verdict v = parse("X-Spam-Status: No, score=-0.1 required=5.0 tests=none autolearn=disabled\n\nx\n");
        assertEquals(new Verdict(Outcome.HAM, -0.1, 5.0, -5.1, List.of()), v);
    }

    @Test
    void statusInTheBodyDoesNotCount() {
        assertThrows(ClassifierException.class, () -> parse("Subject: x\r\n\r\nX-Spam-Status: Yes, score=9 required=5\r\n"));
    }

    @Test
    void malformedStatusIsAnError() {
        assertThrows(ClassifierException.class, () -> parse("X-Spam-Status: perhaps\r\n\r\n"));
    }
}
