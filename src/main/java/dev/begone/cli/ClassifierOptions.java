package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.classify.FusionClassifier;
import dev.begone.classify.OnDemandClassifier;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.classify.rspamd.RspamdClassifier;
import dev.begone.classify.rspamd.RspamdOptions;
import dev.begone.classify.spamassassin.SpamAssassinOptions;
import dev.begone.classify.spamassassin.SpamAssassinProgram;
import dev.begone.classify.spamd.SpamdClassifier;
import dev.begone.classify.spamd.SpamdOptions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** The classifier choice shared by every command that scores or learns. */
final class ClassifierOptions {
    private static final Set<String> KNOWN = Set.of("builtin", "spamd", "spamassassin", "rspamd");

    @Option(names = "--classifier", paramLabel = "NAME[+NAME...]",
            description = "builtin (begone's own, needs nothing else), spamd (SpamAssassin's daemon, spoken natively), "
                    + "spamassassin (the standalone programs), rspamd (over HTTP); several joined by + are fused by "
                    + "a logistic regression over their log-odds, learnt online from the same feedback (stacking). "
                    + "Scores: builtin and fusions 0 to 100 (spam above 98); spamd and "
                    + "spamassassin SpamAssassin points (spam from required_score, 5 by default); rspamd Rspamd points "
                    + "(spam from --rspamd-threshold, else Rspamd's add header threshold, 6 when stock).")
    String classifier;

    @Option(names = "--spamc", description = "Use spamd instead of the standalone SpamAssassin programs (same as --classifier spamd).")
    boolean spamc;

    @Option(names = "--spamd", paramLabel = "HOST[:PORT]", defaultValue = "127.0.0.1:783", description = "Where spamd listens (default: ${DEFAULT-VALUE}).")
    String spamd;

    @Option(names = "--rspamd", paramLabel = "URL", defaultValue = "http://127.0.0.1:11333",
            description = "Rspamd's normal worker, which scores (default: ${DEFAULT-VALUE}).")
    String rspamd;

    @Option(names = "--rspamd-controller", paramLabel = "URL", defaultValue = "http://127.0.0.1:11334",
            description = "Rspamd's controller, which learns and knows the action thresholds (default: ${DEFAULT-VALUE}).")
    String rspamdController;

    @Option(names = "--rspamd-password-file", paramLabel = "FILE",
            description = "The controller's password, on the first line of FILE (a stock Rspamd needs none from loopback).")
    Path rspamdPasswordFile;

    @Option(names = "--rspamd-threshold", paramLabel = "SCORE",
            description = "Rspamd score from which a message is spam (default: the lowest threshold Rspamd sets for "
                    + "add header, rewrite subject or reject, read from the controller).")
    Double rspamdThreshold;

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
                            + " (known: " + String.join(", ", KNOWN.stream().sorted().toList()) + ")");
                }
            }
        }
        try {
            SpamdOptions.parse(spamd);
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--spamd " + spamd + ": " + e.getMessage());
        }
        // Read here too, not only when Rspamd is first asked: the classifier opens at first use, which a run with
        // nothing to score never reaches, and a file that cannot be read is a bad option (exit 10) either way.
        rspamdOptions();
    }

    /** Rspamd's options, the password file's first line included. */
    private RspamdOptions rspamdOptions() {
        RspamdOptions o = RspamdOptions.defaults().withMaxConcurrent(jobs);
        try {
            o = o.withScanner(RspamdOptions.parseAddress(rspamd));
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--rspamd " + e.getMessage());
        }
        try {
            o = o.withController(RspamdOptions.parseAddress(rspamdController));
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--rspamd-controller " + e.getMessage());
        }
        try {
            o = o.withSpamThreshold(rspamdThreshold);
        } catch (IllegalArgumentException e) {
            throw ExitException.badArguments("--rspamd-threshold: " + e.getMessage());
        }
        if (rspamdPasswordFile != null) {
            o = o.withPassword(Passwords.fromFile(rspamdPasswordFile, "--rspamd-password-file").reveal());
        }
        return o;
    }

    /** The score scale of the chosen classifier, for --deletehigherthan. */
    record Scale(String name, String description, Double spamThreshold) {}

    Scale scale(String commandDefault) {
        String names = names(commandDefault);
        if (names.contains("+") || names.equals("builtin")) {
            double threshold = BuiltinOptions.defaults().spamThreshold() * 100;
            return new Scale(names, "it scores from 0 to 100 and calls spam above "
                    + new BigDecimal(Double.toString(threshold)).stripTrailingZeros().toPlainString(), threshold);
        }
        if (names.equals("rspamd")) {
            return new Scale(names, "it scores in Rspamd points and calls spam from "
                    + (rspamdThreshold != null ? "--rspamd-threshold " + rspamdThreshold
                            : "Rspamd's add header threshold (6 when stock)"), rspamdThreshold);
        }
        // The required_score of a SpamAssassin site is only known from its first answer.
        return new Scale(names, "it scores in SpamAssassin points and calls spam from required_score (5 by default)", null);
    }

    private String names(String commandDefault) {
        return classifier != null ? classifier : spamc ? "spamd" : commandDefault;
    }

    Classifier create(String commandDefault, Path builtinModel) {
        return create(commandDefault, builtinModel, Map.of(), Set.of());
    }

    /**
     * Builds the chosen classifier.
     *
     * @param commandDefault what this command uses when none is named (isbg: spamassassin; elsewhere: builtin)
     * @param builtinModel   the built-in model's file, or null for a fresh model in memory; a fusion keeps its learnt
     *                       combination beside it, in {@link #fusionWeightsFile}
     * @param environment    the environment the command was given, passed on to child programs (spamassassin, sa-learn)
     * @param hiddenEnvironment environment variables the classifier's child programs must not see
     */
    Classifier create(String commandDefault, Path builtinModel, Map<String, String> environment,
            Set<String> hiddenEnvironment) {
        String names = names(commandDefault);
        // Opened at first use: a run with nothing new neither reads the model nor starts a child program. Only the
        // built-in model keeps lessons (a fusion's are its built-in member's).
        boolean keepsLessons = builtinModel != null && List.of(names.split("\\+")).contains("builtin");
        return OnDemandClassifier.owned(names, () -> open(names, builtinModel, environment, hiddenEnvironment),
                keepsLessons ? () -> BuiltinClassifier.lessonsIn(builtinModel) : Map::of);
    }

    private Classifier open(String names, Path builtinModel, Map<String, String> environment,
            Set<String> hiddenEnvironment) throws ClassifierException {
        List<Classifier> members = new ArrayList<>();
        try {
            for (String name : names.split("\\+")) members.add(single(name, builtinModel, environment, hiddenEnvironment));
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
        if (members.size() == 1) return members.get(0);
        return builtinModel == null ? new FusionClassifier(members) : FusionClassifier.load(members,
                fusionWeightsFile(builtinModel, names));
    }

    /** One file per fusion, since the weights of spamd+builtin mean nothing to rspamd+builtin. */
    static Path fusionWeightsFile(Path builtinModel, String fusionName) {
        return builtinModel.resolveSibling(builtinModel.getFileName() + "." + fusionName + ".fusion");
    }

    private Classifier single(String name, Path builtinModel, Map<String, String> environment,
            Set<String> hiddenEnvironment) throws ClassifierException {
        return switch (name) {
            case "builtin" -> builtinModel == null
                    ? BuiltinClassifier.inMemory(BuiltinOptions.defaults())
                    : BuiltinClassifier.load(builtinModel, BuiltinOptions.defaults());
            case "spamd" -> new SpamdClassifier(SpamdOptions.parse(spamd).withMaxConcurrent(jobs));
            case "spamassassin" -> new SpamAssassinProgram(SpamAssassinOptions.defaults().withMaxConcurrent(jobs)
                    .withEnvironment(environment).withoutEnvironment(hiddenEnvironment));
            case "rspamd" -> new RspamdClassifier(rspamdOptions());
            default -> throw ExitException.badArguments("unknown classifier '" + name + "'");
        };
    }
}
