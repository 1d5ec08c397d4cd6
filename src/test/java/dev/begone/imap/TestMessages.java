package dev.begone.imap;

import java.nio.charset.StandardCharsets;

/** Small RFC 5322 messages with CRLF line endings, as IMAP APPEND wants them. */
final class TestMessages {
    private TestMessages() {}

    static byte[] message(String messageId, String subject) {
        return message(messageId, subject, "Hello.");
    }

    static byte[] message(String messageId, String subject, String body) {
        return ("From: sender@example.com\r\n"
                + "To: alice@example.com\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + messageId + ">\r\n"
                + "Date: Tue, 01 Jul 2025 10:00:00 +0000\r\n"
                + "\r\n"
                + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
