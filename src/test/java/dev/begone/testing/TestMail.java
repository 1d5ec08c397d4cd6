package dev.begone.testing;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clearly synthetic messages for tests, CRLF-terminated as IMAP APPEND wants. Bodies and dates vary with the
 * index, because SpamAssassin's Bayes treats messages with the same Date and body as the same message.
 */
public final class TestMail {
    /** SpamAssassin's test string: any SpamAssassin scores a message containing it as spam (1000 points). */
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private static final String[] HAM_WORDS = {"lunch", "meeting", "tomorrow", "project", "review", "garden", "train",
        "holiday", "report", "draft", "coffee", "dinner", "weekend", "library", "schedule", "notes"};

    private TestMail() {}

    public static byte[] ham(int i) {
        Random r = new Random(i);
        StringBuilder body = new StringBuilder("Hi Bob,\r\n\r\n");
        for (int line = 0; line < 3; line++) {
            body.append("Shall we talk about the");
            for (int w = 0; w < 6; w++) body.append(' ').append(HAM_WORDS[r.nextInt(HAM_WORDS.length)]);
            body.append(" (note ").append(i).append(").\r\n");
        }
        body.append("\r\nCheers, Alice\r\n");
        return message("alice@example.org", "Re: plans number " + i, "ham-" + i + "@example.org", i, body.toString());
    }

    public static byte[] spam(int i) {
        String body = "Dear friend,\r\n\r\nThis is test spam number " + i + ".\r\n" + GTUBE + "\r\n";
        return message("winner" + i + "@lottery.example", "You won prize " + i, "spam-" + i + "@lottery.example", i, body);
    }

    private static final String[] PITCH_WORDS = {"winner", "prize", "casino", "jackpot", "pills", "cheap", "bitcoin",
        "wallet", "unclaimed", "transfer", "exclusive", "offer", "guaranteed", "cash", "bonus", "limited"};

    /**
     * Spam without GTUBE: a filter has to learn it. Rspamd, for one, answers "learned" for a GTUBE message but its
     * Bayes skips it, because the GTUBE pre-result ends the scan before learning.
     */
    public static byte[] pitch(int i) {
        Random r = new Random(-1 - i);
        StringBuilder body = new StringBuilder("Dear friend,\r\n\r\n");
        for (int line = 0; line < 3; line++) {
            body.append("Act now for your");
            for (int w = 0; w < 6; w++) body.append(' ').append(PITCH_WORDS[r.nextInt(PITCH_WORDS.length)]);
            body.append(" (code ").append(i).append(").\r\n");
        }
        return message("promo" + i + "@deals.example", "Exclusive offer " + i, "pitch-" + i + "@deals.example", i,
                body.toString());
    }

    public static List<byte[]> pitches(int from, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) out.add(pitch(i));
        return out;
    }

    public static List<byte[]> hams(int from, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) out.add(ham(i));
        return out;
    }

    public static List<byte[]> spams(int from, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) out.add(spam(i));
        return out;
    }

    public static byte[] message(String from, String subject, String messageIdLocal, int index, String body) {
        ZonedDateTime date = ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(index).withNano(0);
        String headers = "From: " + from + "\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(date) + "\r\n"
                + "Message-ID: <" + messageIdLocal + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n";
        return (headers + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** The Message-IDs of messages made here, sorted, to compare with a folder's. */
    public static Set<String> messageIds(List<byte[]> messages) {
        Set<String> ids = new TreeSet<>();
        for (byte[] m : messages) ids.add(messageId(m));
        return ids;
    }

    /** The Message-ID (with angle brackets) of a message made here. */
    public static String messageId(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("Message-ID: ");
        return text.substring(at + 12, text.indexOf("\r\n", at));
    }
}
