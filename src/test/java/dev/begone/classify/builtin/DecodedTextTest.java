package dev.begone.classify.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecodedTextTest {
    private static String decode(String message, int budget) {
        byte[] out = new byte[budget];
        int n = DecodedText.decode(message.getBytes(StandardCharsets.ISO_8859_1), out);
        return new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theWordsAfterALongStyleSheetAreWithinTheBudget() {
        String css = ".ThmFgColumnHeader, A.FrameLink {color:#FFFFFF;}\n".repeat(200);
        String text = decode("Subject: hi\nContent-Type: text/html\n\n<HTML><STYLE type=text/css>\n" + css
                + "</STYLE><BODY>make money fast</BODY></HTML>\n", 400);
        assertTrue(text.contains("make money fast"), text);
        assertFalse(text.contains("ThmFgColumnHeader"), text);
    }

    @Test
    void scriptsAndCommentsAreLeftOutAndAWordSplitByACommentIsWhole() {
        String text = decode("Subject: hi\n\n<script>var tracking = 1;</script>vi<!-- x -->agra\n", 400);
        assertFalse(text.contains("tracking"), text);
        assertTrue(text.contains("viagra"), text);
    }

    @Test
    void headersAreCopiedAsTheyAreEvenWhenTheyLookLikeHtml() {
        assertEquals("Subject: <!-- not a comment\n\nbody\n", decode("Subject: <!-- not a comment\n\nbody\n", 400));
    }

    @Test
    void anUnclosedStyleElementEndsWithItsPart() {
        String text = decode("Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n"
                + "<style>p {}\n--b\nContent-Type: text/plain\n\nplain words\n--b--\n", 400);
        assertTrue(text.contains("plain words"), text);
    }
}
