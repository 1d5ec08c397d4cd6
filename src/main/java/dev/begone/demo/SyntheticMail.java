package dev.begone.demo;

import dev.begone.classify.Label;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Clearly synthetic mail for the demo: every address is under example.com/example.net and every subject is tagged
 * [demo]. Ham and spam draw on different vocabularies with some overlap, so a classifier has something to learn.
 */
final class SyntheticMail {
    private static final String[] HAM_SUBJECTS = {"Minutes of the planning meeting", "Code review for the parser",
        "Lunch on Thursday?", "Photos from the weekend", "Train times for the conference", "Draft of the quarterly report",
        "Library books due", "Garden allotment rota", "Re: build failure on main", "Dinner at ours on Saturday"};
    private static final String[] HAM_WORDS = {"meeting", "agenda", "review", "patch", "tests", "lunch", "thursday",
        "photos", "weekend", "train", "conference", "draft", "report", "library", "garden", "rota", "build", "branch",
        "dinner", "saturday", "thanks", "attached", "schedule", "notes", "minutes", "project", "deadline", "kids"};
    private static final String[] SPAM_SUBJECTS = {"You have WON a prize", "Cheap pills, no prescription",
        "Make $5000 a week from home", "Your account is suspended, verify now", "Hot singles near you",
        "Lowest mortgage rates guaranteed", "Claim your free gift card", "Miracle weight loss secret",
        "Urgent: unclaimed inheritance", "Crypto doubler, act now"};
    private static final String[] SPAM_WORDS = {"winner", "prize", "free", "click", "offer", "guaranteed", "cash",
        "pills", "viagra", "mortgage", "rates", "verify", "account", "suspended", "urgent", "inheritance", "crypto",
        "bonus", "limited", "act", "now", "unsubscribe", "discount", "casino", "lottery", "credit", "loan", "weight"};
    private static final String[] SHARED_WORDS = {"the", "and", "you", "for", "this", "with", "your", "please", "today",
        "week", "money", "time", "new", "best", "just"};

    private SyntheticMail() {}

    static byte[] make(Label label, int index, long seed) {
        Random r = new Random(seed * 1_000_003L + index * 31L + label.ordinal());
        boolean spam = label == Label.SPAM;
        String[] subjects = spam ? SPAM_SUBJECTS : HAM_SUBJECTS;
        String[] words = spam ? SPAM_WORDS : HAM_WORDS;
        String from = spam ? "offers" + r.nextInt(1000) + "@promo" + r.nextInt(50) + ".example.net"
                : new String[] {"alice", "bob", "carol", "dave"}[r.nextInt(4)] + "@example.com";
        StringBuilder body = new StringBuilder(spam ? "Dear customer,\r\n\r\n" : "Hi,\r\n\r\n");
        int lines = 3 + r.nextInt(5);
        for (int l = 0; l < lines; l++) {
            int n = 6 + r.nextInt(8);
            for (int w = 0; w < n; w++) {
                if (w > 0) body.append(' ');
                body.append(r.nextInt(3) == 0 ? SHARED_WORDS[r.nextInt(SHARED_WORDS.length)] : words[r.nextInt(words.length)]);
            }
            body.append(".\r\n");
        }
        if (spam) body.append("\r\nClick http://promo").append(r.nextInt(50)).append(".example.net/offer now!\r\n");
        else body.append("\r\nCheers\r\n");
        ZonedDateTime date = ZonedDateTime.of(2026, 1, 1, 9, 0, 0, 0, ZoneOffset.UTC).plusMinutes(index * 37L);
        String headers = "From: " + from + "\r\n"
                + "To: demo@example.com\r\n"
                + "Subject: [demo] " + subjects[r.nextInt(subjects.length)] + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(date) + "\r\n"
                + "Message-ID: <demo-" + label.lowerName() + "-" + seed + "-" + index + "@example.com>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n";
        return (headers + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** The Subject of a message made here, for the demo's listing. */
    static String subject(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        int at = text.indexOf("\r\nSubject: ");
        return at < 0 ? "" : text.substring(at + 11, text.indexOf("\r\n", at + 11));
    }
}
