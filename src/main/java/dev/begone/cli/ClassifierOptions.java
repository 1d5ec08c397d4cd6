package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.FusionClassifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.classify.spamassassin.SpamAssassinOptions;
import dev.begone.classify.spamassassin.SpamAssassinProgram;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The classifier choice shared by every command that scores or learns. */
final class ClassifierOptions {
    private static final Set<String> KNOWN = Set.of("builtin", "spamd", "spamassassin");

    @Option(names = "--classifier", paramLabel = "NAME[+NAME...]",
            description = "builtin (begone's own, needs nothing else), spamd (SpamAssassin's daemon, spoken natively), "
                    + "spamassassin (the standalone programs); several joined by + are fused by averaging their log-odds.")
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
        if (classifier != null) {
            for (String part : classifier.split("\\+", -1)) {
                if (!KNOWN.contains(part)) {
                    throw ExitException.badArguments("unknown classifier '" + part + "' in --classifier " + classifier
                            + " (known: builtin, spamd, spamassassin)");
                }
            }
        }
        try {
            SpamdOptions.parse(spamd);
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--spamd " + spamd + ": " + e.getMessage());
        }
    }

    /**
     * Builds the chosen classifier.
     *
     * @param commandDefault what this command uses when none is named (isbg: spamassassin; elsewhere: builtin)
     * @param builtinModel   the built-in model's file, or null for a fresh model in memory
     */
    Classifier create(String commandDefault, Path builtinModel) throws ClassifierException {
        String names = classifier != null ? classifier : spamc ? "spamd" : commandDefault;
        List<Classifier> members = new ArrayList<>();
        try {
            for (String name : names.split("\\+")) members.add(single(name, builtinModel));
        } catch (ClassifierException | RuntimeException e) {
            for (Classifier c : members) {
                try {
                    c.close();
                } catch (ClassifierException second) {
                    e.addSuppressed(second);
                }
            }
            throw e;
        }
        return members.size() == 1 ? members.get(0) : new FusionClassifier(members);
    }

    private Classifier single(String name, Path builtinModel) throws ClassifierException {
        return switch (name) {
            case "builtin" -> builtinModel == null
                    ? BuiltinClassifier.inMemory(BuiltinOptions.defaults())
                    : BuiltinClassifier.load(builtinModel, BuiltinOptions.defaults());
            case "spamd" -> new SpamdClassifier(SpamdOptions.parse(spamd).withMaxConcurrent(jobs));
            case "spamassassin" -> new SpamAssassinProgram(SpamAssassinOptions.defaults().withMaxConcurrent(jobs));
            default -> throw ExitException.badArguments("unknown classifier '" + name + "'");
        };
    }
}
