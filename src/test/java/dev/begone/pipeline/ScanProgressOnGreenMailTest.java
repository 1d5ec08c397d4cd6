package dev.begone.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.Classifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.MailStore;
import dev.begone.rules.SpamPolicy;
import dev.begone.state.StateStore;
import dev.begone.testing.GreenMailServer;
import dev.begone.testing.TestMail;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a scan tells its listener of its progress, for a progress bar: how many new messages, then how many judged. */
@Timeout(60)
class ScanProgressOnGreenMailTest {
    private static final int MESSAGES = 120;

    @TempDir
    Path dir;

    private record Said(String event, String folder, long messages) {}

    /** Records the progress a scan reports, in order. */
    private static final class Recorder implements PipelineListener {
        final List<Said> said = new CopyOnWriteArrayList<>();

        @Override
        public void scanning(String folder, long messages) {
            said.add(new Said("scanning", folder, messages));
        }

        @Override
        public void judged(String folder, long messages) {
            said.add(new Said("judged", folder, messages));
        }
    }

    @Test
    void theCountsAScanReportsAddUpToTheMessagesItScored() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (GreenMailServer server = GreenMailServer.start();
                MailStore store = ImapMailStore.connect(server.settings("alice"));
                StateStore state = StateStore.open(dir.resolve("state.db"));
                Classifier classifier = BuiltinClassifier.inMemory(BuiltinOptions.defaults())) {
            store.create("Spam");
            for (int i = 0; i < MESSAGES; i++) store.append("INBOX", i % 3 == 0 ? TestMail.spam(i) : TestMail.ham(i), Set.of(), null);
            Recorder recorder = new Recorder();
            ScanSettings settings = ScanSettings.builder("INBOX").spamFolder("Spam").build();
            Session session = new Session(store, state, "alice", classifier, pool, recorder);

            ScanResult result = new ScanFlow(session, settings, new SpamPolicy(null)).run();

            assertEquals(MESSAGES, result.messages(), result.toString());
            assertEquals(new Said("scanning", "INBOX", MESSAGES), recorder.said.get(0), "the count comes first");
            List<Said> judged = recorder.said.subList(1, recorder.said.size());
            assertTrue(judged.size() > 1, "batch by batch: " + judged);
            assertTrue(judged.stream().allMatch(s -> s.event().equals("judged") && s.folder().equals("INBOX") && s.messages() > 0),
                    judged.toString());
            assertEquals(result.messages(), judged.stream().mapToLong(Said::messages).sum(), "the batches add up to the messages scored");

            // The next scan finds nothing new, says so, and judges nothing.
            recorder.said.clear();
            new ScanFlow(session, settings, new SpamPolicy(null)).run();
            assertEquals(List.of(new Said("scanning", "INBOX", 0)), recorder.said);
        } finally {
            pool.shutdownNow();
        }
    }
}
