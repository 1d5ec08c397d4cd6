package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.spamassassin.SpamAssassinOptions;
import dev.begone.classify.spamassassin.SpamAssassinProgram;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import picocli.CommandLine.Option;

/** The classifier choice shared by every command that scores or learns. */
final class ClassifierOptions {
    @Option(names = "--classifier", paramLabel = "NAME", description = "spamd (SpamAssassin's daemon, spoken natively) or spamassassin (the standalone programs).")
    String classifier;

    @Option(names = "--spamc", description = "Use spamd instead of the standalone SpamAssassin programs (same as --classifier spamd).")
    boolean spamc;

    @Option(names = "--spamd", paramLabel = "HOST[:PORT]", defaultValue = "127.0.0.1:783", description = "Where spamd listens (default: ${DEFAULT-VALUE}).")
    String spamd;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "4", description = "Messages scored or learned concurrently (default: ${DEFAULT-VALUE}).")
    int jobs;

    int jobs() {
        return jobs;
    }

    void validate() {
        if (jobs < 1 || jobs > 256) throw ExitException.badArguments("--jobs must be between 1 and 256, was " + jobs);
        if (spamc && classifier != null && !classifier.equals("spamd")) {
            throw ExitException.badArguments("--spamc contradicts --classifier " + classifier);
        }
        if (classifier != null && !classifier.equals("spamd") && !classifier.equals("spamassassin")) {
            throw ExitException.badArguments("unknown classifier '" + classifier + "' (known: spamd, spamassassin)");
        }
        try {
            SpamdOptions.parse(spamd);
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--spamd " + spamd + ": " + e.getMessage());
        }
    }

    /** Builds the chosen classifier; {@code fallback} is the command's default when none was named. */
    Classifier create(String fallback, String implied) throws ClassifierException {
        String name = classifier != null ? classifier : implied != null ? implied : fallback;
        return switch (name) {
            case "spamd" -> new SpamdClassifier(SpamdOptions.parse(spamd).withMaxConcurrent(jobs));
            case "spamassassin" -> new SpamAssassinProgram(SpamAssassinOptions.defaults().withMaxConcurrent(jobs));
            default -> throw ExitException.badArguments("unknown classifier '" + name + "'");
        };
    }
}
