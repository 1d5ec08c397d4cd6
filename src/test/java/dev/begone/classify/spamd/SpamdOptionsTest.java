package dev.begone.classify.spamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpamdOptionsTest {
    @Test
    void hostAloneTakesTheDefaultPortAndSpamcsSizeLimit() {
        SpamdOptions o = SpamdOptions.parse("mail.example.org");
        assertEquals("mail.example.org", o.host());
        assertEquals(783, o.port());
        assertEquals(512_000, o.maxMessageBytes());
        assertNull(o.user());
    }

    @Test
    void hostAndPortAreSplit() {
        SpamdOptions o = SpamdOptions.parse("127.0.0.1:7830");
        assertEquals("127.0.0.1", o.host());
        assertEquals(7830, o.port());
        assertEquals("127.0.0.1:7830", o.address());
    }

    @Test
    void ipv6LiteralIsWrittenInBrackets() {
        SpamdOptions o = SpamdOptions.parse("[::1]:783");
        assertEquals("::1", o.host());
        assertEquals(783, o.port());
        assertEquals("[::1]:783", o.address());
        assertEquals(783, SpamdOptions.parse("[::1]").port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":783", "host:", "host:0", "host:65536", "host:port", "::1", "[::1]x", "a b:1"})
    void malformedAddressesAreRejected(String s) {
        assertThrows(IllegalArgumentException.class, () -> SpamdOptions.parse(s));
    }

    @Test
    void validationNamesTheBadField() {
        SpamdOptions o = SpamdOptions.parse("h");
        assertEquals("maxConcurrent must be at least 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> o.withMaxConcurrent(0)).getMessage());
        assertEquals("user 'bob smith' is not a plain user name ([-A-Za-z0-9_.@+]+)",
                assertThrows(IllegalArgumentException.class, () -> o.withUser("bob smith")).getMessage());
    }
}
