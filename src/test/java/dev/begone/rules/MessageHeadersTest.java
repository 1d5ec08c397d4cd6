package dev.begone.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header view the rules read: unfolded, decoded, case-insensitive, never throwing; the body read only for its key. */
@Timeout(30)
class MessageHeadersTest {

    static MessageHeaders parse(String message) {
        return MessageHeaders.parse(message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void foldedValuesAreUnfoldedKeepingTheWhiteSpaceOfEachLine() {
        MessageHeaders h = parse("Subject: Logwatch\r\n for\r\n\thost-1  \r\nReceived: from a\n by b\n\nbody\n");

        assertEquals(List.of("Logwatch for\thost-1"), h.values("Subject"));
        assertEquals(List.of("from a by b"), h.values("received"), "LF line ends unfold as CRLF do");
        assertEquals(List.of(), h.problems());
    }

    @Test
    void namesAreComparedWithoutRegardToCaseAndEveryOccurrenceIsKeptInOrder() {
        MessageHeaders h = parse("RECEIVED: one\r\nreceived: two\r\nReCeIvEd : three\r\nSubject: s\r\n\r\n");

        assertEquals(List.of("one", "two", "three"), h.values("Received"));
        assertEquals(List.of("s"), h.values("SUBJECT"));
        assertEquals(List.of(), h.values("X-Absent"));
        assertEquals(4, h.size());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            =?UTF-8?B?W2Fubl0gTmV3cw==?=                          | [ann] News
            =?utf-8?q?=5Bann=5D_caf=C3=A9?=                       | [ann] café
            =?ISO-8859-1?Q?Caf=E9?= au lait                       | Café au lait
            Re: =?UTF-8?Q?a?= =?UTF-8?Q?b?=  c                     | Re: ab  c
            =?UTF-8?B?w6k=?==?UTF-8?B?w6k=?=                      | éé
            =?UTF-8?Q?=E2=82?= =?UTF-8?Q?=AC?= 5                  | € 5
            =?x-unknown-charset?Q?abc?= stays                      | =?x-unknown-charset?Q?abc?= stays
            =?UTF-8?X?abc?= bad encoding                          | =?UTF-8?X?abc?= bad encoding
            =?UTF-8*en?Q?hello?=                                   | hello
            broken =?UTF-8?Q?unterminated                          | broken =?UTF-8?Q?unterminated
            """)
    void encodedWordsAreDecodedAsReadersShowThem(String encoded, String shown) {
        assertEquals(List.of(shown), parse("Subject: " + encoded + "\r\n\r\n").values("subject"));
    }

    @Test
    void eightBitValuesAreUtf8WhenValidElseLatin1() {
        byte[] latin1 = "Subject: Caf\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("Café"), MessageHeaders.parse(latin1).values("Subject"));
        assertEquals(List.of("Café ☕"), parse("Subject: Café ☕\r\n\r\n").values("Subject"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Alice <Alice@Example.ORG>                                   | alice@example.org
            "Doe, John" <john@example.net>, bob@example.com (Bob)       | john@example.net,bob@example.com
            team: a@x.example, b@x.example;, c@y.example                | a@x.example,b@x.example,c@y.example
            undisclosed-recipients:;                                    |
            <@relay.example:user@host.example>                          | user@host.example
            =?UTF-8?Q?evil_=3Cboss@bank.example=3E?= <spam@bad.example> | spam@bad.example
            Just A Name                                                 |
            "quoted <not@this.example>" <real@this.example>             | real@this.example
            """)
    void addressesAreTheAddrSpecsLowerCasedNeverWhatADisplayNameSays(String value, String expected) {
        List<String> want = expected == null ? List.of() : Arrays.asList(expected.split(","));
        assertEquals(want, parse("To: " + value + "\r\n\r\n").addresses("to"));
    }

    @Test
    void senderIsTheFirstFromAddressAndMessageIdItsBracketedId() {
        MessageHeaders h = parse("From: \"Shop\" <News@Shop.Example>\r\nMessage-ID:\r\n <AbC.123@host.example> (comment)\r\n\r\n");

        assertEquals(Optional.of("news@shop.example"), h.sender());
        assertEquals(Optional.of("<AbC.123@host.example>"), h.messageId(), "case kept: Message-IDs are case-sensitive");
        assertEquals(Optional.empty(), parse("Subject: x\r\n\r\n").sender());
        assertEquals(Optional.empty(), parse("Message-ID: \r\n\r\n").messageId());
    }

    @Test
    void malformedLinesAreSkippedAndReportedNeverThrown() {
        MessageHeaders h = parse("From mbox@line Thu Jan  1 00:00:00 2026\n  orphan continuation\nSubject: kept\n"
                + "no colon here\n: empty name\nX-Good: yes\n\nbody");

        assertEquals(List.of("kept"), h.values("subject"));
        assertEquals(List.of("yes"), h.values("x-good"));
        assertEquals(List.of("line 1 is not a header field", "line 2 continues no field", "line 4 is not a header field",
                "line 5 is not a header field"), h.problems());
    }

    @Test
    void anyBytesAtAllParseWithoutThrowing() {
        Random random = new Random(20261203L);
        for (int round = 0; round < 2_000; round++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            if (round % 2 == 0) for (int k = 0; k < junk.length; k++) if (random.nextInt(8) == 0) junk[k] = (byte) "\r\n: =?".charAt(random.nextInt(6));
            MessageHeaders h = MessageHeaders.parse(junk);
            h.sender();
            h.messageId();
            h.bodyKey();
            for (String name : List.of("from", "to", "cc", "subject")) {
                h.values(name);
                h.addresses(name);
            }
        }
    }

    @Test
    void aHeaderBlockWithoutEndIsReadUpToItsLimit() {
        String line = "X-Filler: " + "x".repeat(990) + "\r\n";
        MessageHeaders h = parse(line.repeat(MessageHeaders.MAX_HEADER_BYTES / line.length() + 10));

        assertTrue(h.size() > 200);
        assertEquals(List.of("header block longer than 262144 bytes; the rest is ignored"), h.problems());
        assertEquals(Optional.empty(), h.bodyKey());
    }

    @Test
    void bodyKeyIgnoresTransferEncodingLineEndsWrappingAndMimeBoundaries() {
        String text = "Dear customer,\r\nyour parcel 4711 is waiting.\r\nRegards, the shop — café\r\n";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        String plain = "Content-Transfer-Encoding: 8bit\r\n\r\n" + text;
        String lfRewrapped = "\n\nDear customer, your parcel\n4711 is waiting.   \nRegards, the shop — café\n";
        String base64 = "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(utf8) + "\r\n";
        String qp = "Content-Transfer-Encoding: Quoted-Printable\r\n\r\nDear customer,=\r\n your parcel 4711 is waiting.\r\n"
                + "Regards, the shop =E2=80=94 caf=C3=A9\r\n";
        String multipart = "Content-Type: multipart/alternative; boundary=\"b-1\"\r\n\r\npreamble\r\n--b-1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(utf8) + "\r\n--b-1--\r\nepilogue\r\n";
        String otherBoundary = multipart.replace("b-1", "=_Part_829_other");

        Optional<String> key = parse("Subject: a\r\n" + plain).bodyKey();
        assertTrue(key.isPresent());
        assertEquals(64, key.get().length(), "SHA-256 in hex");
        for (String variant : List.of("Subject: b" + lfRewrapped, "Subject: c\r\n" + base64, "Subject: d\r\n" + qp,
                "Subject: e\r\n" + multipart, "Subject: f\r\n" + otherBoundary)) {
            assertEquals(key, parse(variant).bodyKey(), variant);
        }
        assertNotEquals(key, parse("Subject: a\r\n" + plain.replace("4711", "4712")).bodyKey());
    }

    @Test
    void emptyBodiesHaveNoKey() {
        assertEquals(Optional.empty(), parse("Subject: only headers\r\n").bodyKey());
        assertEquals(Optional.empty(), parse("Subject: blank body\r\n\r\n \r\n\t\r\n").bodyKey());
    }

    @Test
    void bodyIsReadOnlyWhenItsKeyIsAskedFor() {
        byte[] raw = "Subject: s\r\n\r\nfirst body\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] original = raw.clone();
        MessageHeaders h = MessageHeaders.parse(raw);
        h.values("subject");
        int body = new String(raw, StandardCharsets.US_ASCII).indexOf("first");
        raw[body] = 'F'; // after parsing; the key shows whether parsing already read the body (it must not have)

        assertEquals(parse("Subject: s\r\n\r\nFirst body\r\n").bodyKey(), h.bodyKey());
        assertNotEquals(MessageHeaders.parse(original).bodyKey(), h.bodyKey());
    }
}
