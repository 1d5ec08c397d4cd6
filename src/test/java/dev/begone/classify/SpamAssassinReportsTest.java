package dev.begone.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.testing.Spamd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * unwrap(process(m)) gives back m byte for byte (line ends included), on messages rewritten by a real spamd
 * under each report_safe setting.
 */
@Timeout(120)
class SpamAssassinReportsTest {

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "report_safe {0}")
    @ValueSource(ints = {0, 1, 2})
    void unwrappingWhatSpamdProcessedGivesTheOriginalBackByteForByte(int reportSafe, @TempDir Path dir) throws Exception {
        try (Spamd spamd = Spamd.start(dir, Spamd.Config.DEFAULT.withReportSafe(reportSafe).withMaxChildren(1))) {
            SpamdClassifier c = new SpamdClassifier(spamd.options());
            byte[] spam = Spamd.gtube(1);
            byte[] wrapped = c.process(spam).message();
            assertFalse(text(wrapped).equals(text(spam)), "spamd rewrote the spam");
            if (reportSafe > 0) {
                assertTrue(text(wrapped).contains("x-spam-type=original"), text(wrapped));
            }
            assertEquals(text(spam), text(SpamAssassinReports.unwrap(wrapped)));

            byte[] ham = Spamd.letter(2);
            byte[] marked = c.process(ham).message();
            assertTrue(text(marked).startsWith("X-Spam-Checker-Version:"), text(marked));
            assertArrayEquals(ham, SpamAssassinReports.unwrap(marked));

            byte[] lf = text(Spamd.gtube(3)).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(lf, SpamAssassinReports.unwrap(c.process(lf).message()), "LF-only messages too");
        }
    }

    @Test
    void rewrittenSubjectIsRestoredFromPrevSubject() {
        String processed = "X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on vm\r\n"
                + "X-Spam-Flag: YES\r\n"
                + "X-Spam-Status: Yes, score=1000.0 required=5.0 tests=GTUBE,MSGID_SHORT,\r\n"
                + "\tNO_RECEIVED autolearn=disabled version=4.0.1\r\n"
                + "From: alice@example.org\r\n"
                + "Subject: [SPAM] hello there\r\n"
                + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                + "X-Spam-Prev-Subject: hello there\r\n"
                + "\r\n"
                + "body\r\n";
        String original = "From: alice@example.org\r\nSubject: hello there\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n";
        assertEquals(original, text(SpamAssassinReports.unwrap(processed.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void messageSpamAssassinNeverTouchedComesBackAsIs() {
        byte[] plain = Spamd.letter(4);
        assertSame(plain, SpamAssassinReports.unwrap(plain));
        byte[] laterSpamHeader = "From: a@b\r\nX-Spam-Flag: YES\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        assertSame(laterSpamHeader, SpamAssassinReports.unwrap(laterSpamHeader), "only a leading block is SpamAssassin's");
        byte[] empty = new byte[0];
        assertSame(empty, SpamAssassinReports.unwrap(empty));
    }

    @Test
    void foreignMultipartWithSpamHeadersIsNotTakenForAWrapper() {
        String m = "X-Spam-Flag: YES\r\nContent-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n--abc\r\n"
                + "Content-Type: text/plain\r\n\r\nhi\r\n--abc--\r\n";
        String expected = "Content-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n--abc\r\nContent-Type: text/plain\r\n\r\nhi\r\n--abc--\r\n";
        assertEquals(expected, text(SpamAssassinReports.unwrap(m.getBytes(StandardCharsets.ISO_8859_1))));
    }
}
