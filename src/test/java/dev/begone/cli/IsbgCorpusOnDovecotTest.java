package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.TlsMode;
import dev.begone.testing.Dovecot;
import dev.begone.testing.Mailbox;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.SharedCorpus;
import dev.begone.testing.Spamd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real mail, real servers: after a scan the spam folder holds exactly what spamd calls spam, the inbox the rest. */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class IsbgCorpusOnDovecotTest {
    private static final int MESSAGES = 200;

    @TempDir
    Path dir;

    @Test
    void spamFolderHoldsExactlyWhatSpamdCallsSpamAndSecondRunScansNothing() throws Exception {
        Path corpus = SharedCorpus.requireRoot();
        ServerProcess.assumeInstalled("dovecot", "dovecot-imapd");
        ServerProcess.assumeInstalled("spamd", "spamd");
        List<byte[]> messages = SharedCorpus.sample(corpus, MESSAGES);
        try (Spamd spamd = Spamd.start(Files.createDirectories(dir.resolve("spamd")));
                Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")))) {
            dovecot.deliver("alice", "INBOX", messages);
            var alice = dovecot.settings("alice", TlsMode.IMPLICIT);

            // What spamd says of each message, as stored on the server, asked directly (no begone pipeline).
            Map<String, Integer> expectedSpam = new HashMap<>();
            Map<String, Integer> expectedHam = new HashMap<>();
            try (SpamdClassifier direct = new SpamdClassifier(SpamdOptions.parse("127.0.0.1:" + spamd.port()))) {
                for (FetchedMessage m : Mailbox.messages(alice, "INBOX")) {
                    Map<String, Integer> bucket = direct.classify(m.raw()).isSpam() ? expectedSpam : expectedHam;
                    bucket.merge(Mailbox.sha256(m.raw()), 1, Integer::sum);
                }
            }
            assertTrue(!expectedSpam.isEmpty() && !expectedHam.isEmpty(), "the sample has both spam and ham");

            IsbgCli cli = new IsbgCli(Files.createDirectories(dir.resolve("home"))).env("PW", Dovecot.PASSWORDS.get("alice"));
            List<String> args = new ArrayList<>(List.of("isbg", "--imaphost", "127.0.0.1", "--imapport",
                    String.valueOf(dovecot.imapsPort()), "--imapuser", "alice", "--password-env", "PW", "--noninteractive",
                    "--tls-ca", dovecot.certPem().toString(), "--spamc", "--spamd", "127.0.0.1:" + spamd.port(),
                    "--spaminbox", "Junk", "--delete", "--expunge", "--noreport", "--partialrun", "0", "--maxsize", "10000000"));
            IsbgCli.Run first = cli.run(args);
            assertEquals(0, first.exit(), first.toString());
            int spamCount = expectedSpam.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(first.err().contains(spamCount + " spams found in " + messages.size() + " messages"), first.toString());

            assertEquals(expectedSpam, digests(Mailbox.messages(alice, "Junk")));
            assertEquals(expectedHam, digests(Mailbox.messages(alice, "INBOX")));

            IsbgCli.Run second = cli.run(args);
            assertTrue(second.err().contains("0 spams found in 0 messages"), second.toString());
        }
    }

    private static Map<String, Integer> digests(List<FetchedMessage> messages) {
        Map<String, Integer> out = new HashMap<>();
        for (FetchedMessage m : messages) out.merge(Mailbox.sha256(m.raw()), 1, Integer::sum);
        return out;
    }
}
