package dev.begone.classify.spamassassin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.begone.classify.ClassifierException;
import dev.begone.classify.Label;
import dev.begone.classify.MessageRejectedException;
import dev.begone.classify.LearnResult;
import dev.begone.classify.Outcome;
import dev.begone.classify.Processed;
import dev.begone.classify.Verdict;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.testing.ServerProcess;
import dev.begone.testing.Spamd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone programs with the same site config and Bayes database as a real spamd. */
@Timeout(300)
class SpamAssassinProgramTest {
    @TempDir
    static Path dir;
    private static Spamd spamd;
    private static SpamAssassinProgram program;

    @BeforeAll
    static void setUp() throws Exception {
        ServerProcess.assumeInstalled("spamassassin", "spamassassin");
        ServerProcess.assumeInstalled("sa-learn", "spamassassin");
        spamd = Spamd.start(dir, Spamd.Config.DEFAULT.withMaxChildren(1));
        program = new SpamAssassinProgram(options());
    }

    private static SpamAssassinOptions options() {
        return SpamAssassinOptions.defaults()
                .withExtraArgs(List.of("--local", "--siteconfigpath=" + spamd.siteDir(), "--configpath=" + spamd.stockRules()))
                .withEnvironment(Map.of("HOME", spamd.home().toString()))
                .withTimeout(Duration.ofSeconds(120));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (spamd != null) spamd.close();
    }

    @Test
    void standaloneSpamAssassinScoresGtubeAsSpam() throws Exception {
        long start = System.nanoTime();
        Processed p = program.process(Spamd.gtube(1));
        System.out.printf("spamassassin took %.2f s for one message%n", (System.nanoTime() - start) / 1e9);
        Verdict v = p.verdict();
        assertEquals(Outcome.SPAM, v.outcome());
        assertTrue(v.score() >= 1000, v.toString());
        assertEquals(5.0, v.threshold());
        assertTrue(v.reasons().contains("GTUBE"), v.reasons().toString());
        assertTrue(new String(p.message(), StandardCharsets.UTF_8).startsWith("X-Spam-Checker-Version: SpamAssassin"));
    }

    @Test
    void standaloneSpamAssassinAgreesWithSpamdOnALetter() throws Exception {
        byte[] letter = Spamd.letter(2);
        Verdict standalone = program.classify(letter);
        Verdict daemon = new SpamdClassifier(spamd.options()).classify(letter);
        assertEquals(Outcome.HAM, standalone.outcome());
        assertEquals(daemon.reasons(), standalone.reasons(), daemon + " vs " + standalone);
        assertEquals(daemon.score(), standalone.score());
        assertEquals(daemon.reasons(), standalone.reasons());
    }

    @Test
    void saLearnLearnsThenReportsAlreadyKnown() throws Exception {
        byte[] spam = Spamd.gtube(3);
        assertEquals(LearnResult.LEARNED, program.learn(spam, Label.SPAM));
        assertEquals(LearnResult.ALREADY_KNOWN, program.learn(spam, Label.SPAM));
        assertEquals(LearnResult.ALREADY_KNOWN, new SpamdClassifier(spamd.options()).learn(spam, Label.SPAM),
                "spamd reads the Bayes database sa-learn wrote");
    }

    @Test
    void missingProgramIsAClearClassifierError() {
        SpamAssassinProgram missing = new SpamAssassinProgram(options().withPrograms("/nonexistent/spamassassin", "/nonexistent/sa-learn"));
        ClassifierException e = assertThrows(ClassifierException.class, () -> missing.classify(Spamd.letter(4)));
        assertTrue(e.getMessage().startsWith("cannot run /nonexistent/spamassassin (is SpamAssassin installed?"), e.getMessage());
        assertFalse(e instanceof MessageRejectedException, "a missing program stops the run: it is no message's fault");
    }

    @Test
    void programFailingOnAMessageIsAFailureOfThatMessageWithItsExitCode() {
        SpamAssassinProgram failing = new SpamAssassinProgram(options().withPrograms("false", "false"));
        MessageRejectedException e = assertThrows(MessageRejectedException.class, () -> failing.learn(Spamd.letter(5), Label.HAM));
        assertEquals("false exited with 1: (no output)", e.getMessage());
    }
}
