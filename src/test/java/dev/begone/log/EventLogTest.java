package dev.begone.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.begone.classify.Label;
import dev.begone.classify.LearnResult;
import dev.begone.daemon.Cycle;
import dev.begone.daemon.Failure;
import dev.begone.daemon.FailureKind;
import dev.begone.daemon.WatchListener;
import dev.begone.imap.LoginFailedException;
import dev.begone.imap.MailStoreException;
import dev.begone.pipeline.PipelineListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EventLogTest {
    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00.250Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Test
    void jsonGivesOneObjectPerLineAndEveryLineNamesItsAccount() throws Exception {
        everyEvent(log(LogFormat.JSON));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output().split("\n")) lines.add(new ObjectMapper().readTree(line));

        assertEquals(8, lines.size(), output());
        for (JsonNode l : lines) {
            assertEquals("2026-12-03T08:00:00.250Z", l.get("ts").asText());
            assertTrue(List.of("alice", "bob").contains(l.get("account").asText()), l.toString());
            assertTrue(l.hasNonNull("level") && l.hasNonNull("event") && l.hasNonNull("msg"), l.toString());
        }
        JsonNode filed = lines.get(0);
        assertEquals("{\"ts\":\"2026-12-03T08:00:00.250Z\",\"level\":\"info\",\"account\":\"alice\",\"event\":\"filed\","
                + "\"msg\":\"2 messages of INBOX moved to Junk\",\"folder\":\"INBOX\",\"action\":\"move\",\"messages\":2,"
                + "\"target\":\"Junk\"}", filed.toString());
        JsonNode login = lines.stream().filter(l -> l.get("event").asText().equals("failed")
                && l.get("kind").asText().equals("login")).findFirst().orElseThrow();
        assertEquals("bob", login.get("account").asText());
        assertEquals("error", login.get("level").asText());
        assertEquals(60.0, login.get("retry_in_seconds").asDouble());
        assertFalse(login.has("cycle"), "null details are left out");
        JsonNode odd = lines.get(lines.size() - 1);
        assertEquals("a \"quoted\"\nmulti-line warning – ünïcode", odd.get("msg").asText());
    }

    @Test
    void textGivesAccountColonMessageLines() {
        everyEvent(log(LogFormat.TEXT));
        assertEquals("""
                alice: 2 messages of INBOX moved to Junk
                alice: Spam-training UID 7 learned as spam
                alice: warning: INBOX UID 3 skipped: larger than 1 MiB
                alice: waiting for new mail in INBOX (IDLE)
                alice: reconnected: waiting for new mail in Lists (polling, as the server has no IDLE)
                bob: error: waiting for mail in INBOX failed: login as bob failed; trying again in 60 s (said once until a login succeeds)
                alice: warning: filing new mail failed: connection reset; trying again in 3 min
                alice: warning: a "quoted" multi-line warning – ünïcode
                """, output());
    }

    @Test
    void aLoginFailureAlreadyReportedWritesNothing() {
        log(LogFormat.TEXT).watchListener().failed(new Failure("bob", "INBOX", null, FailureKind.LOGIN,
                new LoginFailedException("login as bob failed", null), Duration.ofMinutes(2), false));
        assertEquals("", output());
    }

    private EventLog log(LogFormat format) {
        return new EventLog(new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8)), format, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void everyEvent(EventLog log) {
        PipelineListener alice = log.pipelineListener("alice");
        WatchListener watch = log.watchListener();
        alice.filed("INBOX", "move", 2, "Junk");
        alice.learned("Spam-training", 7, Label.SPAM, LearnResult.LEARNED);
        alice.skipped("INBOX", 3, "larger than 1 MiB");
        watch.watching("alice", "INBOX", false, true);
        watch.watching("alice", "Lists", true, false);
        watch.failed(new Failure("bob", "INBOX", null, FailureKind.LOGIN, new LoginFailedException("login as bob failed", null),
                Duration.ofSeconds(60), true));
        watch.failed(new Failure("alice", null, Cycle.SCAN, FailureKind.MAIL_SERVER, new MailStoreException("connection reset"),
                Duration.ofMillis(180_400), true));
        alice.warning("a \"quoted\"\nmulti-line warning – ünïcode");
    }
}
