package dev.begone.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.begone.testing.Dovecot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Scale: a folder of 100,000 messages must be searched in one command with a compact answer. */
@Timeout(600)
class HundredThousandMessagesDovecotTest {
    private static final int COUNT = 100_000;
    private static final Pattern TAGGED_COMMAND = Pattern.compile("(?m)^[A-Z]+\\d+ (?!OK |NO |BAD )(\\S+(?: [A-Z]+)?)");

    @Test
    void searchOnHundredThousandMessagesIsOneRoundTrip(@TempDir Path dir) throws Exception {
        try (Dovecot dovecot = Dovecot.start(dir)) {
            List<byte[]> messages = new ArrayList<>(COUNT);
            for (int i = 0; i < COUNT; i++) messages.add(TestMessages.message("m" + i + "@example.com", "message " + i));
            long t0 = System.nanoTime();
            dovecot.deliver("bob", "Big", messages);
            double deliverSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("deliver: %d messages in %.1f s (%.0f msg/s)%n", COUNT, deliverSeconds,
                    COUNT / deliverSeconds);

            ByteArrayOutputStream trace = new ByteArrayOutputStream();
            try (MailStore store = ImapMailStore.connect(dovecot.settings("bob", TlsMode.IMPLICIT).toBuilder()
                    .trace(new PrintStream(trace, true, StandardCharsets.UTF_8)).build());
                    MailStore.OpenFolder f = store.open("Big", true)) {
                assertEquals(COUNT, f.messageCount());
                int before = trace.size();
                long t1 = System.nanoTime();
                UidSet all = f.search(SearchCriteria.all().maxSize(10_000).flagged(false).undeleted());
                double searchMillis = (System.nanoTime() - t1) / 1e6;
                String dialogue = trace.toString(StandardCharsets.UTF_8).substring(before);
                List<String> commands = new ArrayList<>();
                for (Matcher m = TAGGED_COMMAND.matcher(dialogue); m.find(); ) commands.add(m.group(1));
                System.out.printf("search: %d UIDs in %d range(s), %.0f ms, commands %s, %d trace bytes%n",
                        all.size(), all.rangeCount(), searchMillis, commands, dialogue.length());
                assertEquals(UidSet.range(1, COUNT), all);
                assertEquals(List.of("UID SEARCH"), commands,
                        dialogue.length() < 4000 ? dialogue : dialogue.substring(0, 4000));
            }
        }
    }
}
