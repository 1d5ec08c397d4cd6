package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.config.AccountConfig;
import dev.begone.config.ClassifierConfig;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.config.Destination;
import dev.begone.config.Filing;
import dev.begone.config.Folders;
import dev.begone.config.Housekeeping;
import dev.begone.config.ImapConfig;
import dev.begone.config.RoutingRule;
import dev.begone.config.Schedule;
import dev.begone.config.Training;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import dev.begone.imap.Secret;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Validates the configuration file and says in a few lines what each account will do; with {@code --connect} it
 * also logs in to each account, looks for its folders and asks its classifier to score one message. One account
 * failing never stops the others from being checked.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {"Checks the configuration file and prints a summary of each account (never a secret).",
            "Exit 10 on a bad file, before anything connects; with --connect, the worst account's exit code."})
final class ConfigCheckCommand implements Callable<Integer> {
    /** Scored once per distinct classifier configuration: clearly synthetic, and harmless if a server logs it. */
    private static final byte[] PROBE = ("From: begone <check@begone.invalid>\r\nTo: check@begone.invalid\r\n"
            + "Subject: begone config check\r\nDate: Mon, 1 Dec 2025 12:00:00 +0000\r\nMessage-ID: <config-check@begone.invalid>\r\n\r\n"
            + "This message only checks that the classifier answers.\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--connect", description = "Also log in to each account, check its folders exist and its classifier answers.")
    boolean connect;

    ConfigCheckCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration c = config.load(env);
        for (AccountConfig a : c.accounts()) summary(a, out);
        c.metrics().ifPresent(m -> out.println("metrics: served on " + m.listen()));
        if (!connect) {
            out.println(c.file() + ": " + count(c.accounts().size(), "account") + ", valid");
            return ExitCode.OK.code();
        }
        ExitCode worst = ExitCode.OK;
        int failed = 0;
        Map<ClassifierConfig, String> classifierChecked = new HashMap<>();
        for (AccountConfig a : c.accounts()) {
            ExitCode code = connect(a, classifierChecked, out, err);
            if (code != ExitCode.OK) failed++;
            if (code.code() > worst.code()) worst = code;
        }
        out.println(c.file() + ": " + count(c.accounts().size(), "account") + ", "
                + (failed == 0 ? "all connected" : failed + " failed"));
        return worst.code();
    }

    private static void summary(AccountConfig a, PrintWriter out) {
        ImapConfig i = a.imap();
        out.println(a.name() + ": " + i.user() + " at " + i.address() + " (tls " + i.tls().word() + (i.ca().isPresent() ? ", ca " + i.ca().get() : "")
                + "), password from " + i.password());
        Folders f = a.folders();
        out.println("  folders: scan " + String.join(", ", f.scan()) + "; spam " + f.spam().orElse("the server's \\Junk")
                + "; trash " + f.trash().orElse("the server's \\Trash"));
        out.println("  classifier " + describe(a.classifier()) + "; partial-run " + (a.limits().partialRun() == 0 ? "no limit" : a.limits().partialRun())
                + ", max-size " + a.limits().maxSize());
        line(out, "filing", filing(a.filing()));
        line(out, "housekeeping", housekeeping(a.housekeeping()));
        line(out, "training", training(a.training()));
        line(out, "watch", schedule(a.schedule()));
    }

    private static void line(PrintWriter out, String title, List<String> parts) {
        if (!parts.isEmpty()) out.println("  " + title + ": " + String.join(", ", parts));
    }

    private static String describe(ClassifierConfig c) {
        List<String> parts = new ArrayList<>();
        for (String n : c.names()) {
            parts.add(switch (n) {
                case "spamd" -> "spamd at " + c.spamd();
                case "rspamd" -> "rspamd at " + c.rspamd().url() + " (controller " + c.rspamd().controller() + ")";
                default -> n;
            });
        }
        return String.join(" + ", parts) + ", jobs " + c.jobs();
    }

    private static List<String> filing(Filing f) {
        List<String> p = new ArrayList<>();
        if (!f.routing().rules().isEmpty()) p.add(count(f.routing().rules().size(), "routing rule"));
        if (f.routing().taggedAddresses()) p.add("tagged addresses");
        if (!f.routing().noSpamCheck().isEmpty()) p.add("no spam check in " + String.join(", ", f.routing().noSpamCheck()));
        if (!f.senders().allow().isEmpty()) p.add(count(f.senders().allow().size(), "allowed sender"));
        if (!f.senders().deny().isEmpty()) p.add(count(f.senders().deny().size(), "denied sender"));
        f.duplicates().ifPresent(d -> p.add("duplicates by " + d.by().name().toLowerCase().replace('_', '-') + " within "
                + d.withinDays() + " days, keep " + d.keep().name().toLowerCase() + ", others " + d.action()));
        for (Filing.Level l : f.levels().levels()) p.add(l.toString());
        f.levels().unsure().ifPresent(u -> p.add("unsure: " + u));
        return p;
    }

    /** Said only when it is not the default, as the other optional lines. */
    private static List<String> schedule(Schedule s) {
        if (s.equals(Schedule.DEFAULT)) return List.of();
        return List.of("periodic work every " + s.periodic().toMinutes() + " min",
                "polling every " + s.poll().toSeconds() + " s where the server has no IDLE");
    }

    private static List<String> housekeeping(Housekeeping h) {
        List<String> p = new ArrayList<>();
        for (Housekeeping.Retention r : h.retention()) {
            p.add(r.action().name().toLowerCase() + " " + r.folder() + " after " + r.olderThanDays() + " days");
        }
        for (Housekeeping.Archive r : h.archive()) p.add("archive " + r.folder() + " into " + r.into() + " after " + r.olderThanDays() + " days");
        return p;
    }

    private static List<String> training(Training t) {
        List<String> p = new ArrayList<>();
        if (!t.learnSpam().isEmpty()) p.add("spam from " + String.join(", ", t.learnSpam()));
        if (!t.learnHam().isEmpty()) p.add("ham from " + String.join(", ", t.learnHam()));
        if (!t.allowSender().isEmpty()) {
            p.add("allow senders from " + String.join(", ", t.allowSender()) + t.allowSenderTo().map(f -> " back to " + f).orElse(""));
        }
        switch (t.after()) {
            case Training.After.Move m -> p.add("then move" + m.spam().map(s -> " spam to " + s).orElse("")
                    + m.ham().map(h -> " ham to " + h).orElse(""));
            case Training.After.Delete d -> p.add("then delete");
            case Training.After.Flag fl -> p.add("then flag");
            case Training.After.Stay s -> { }
        }
        t.errors().ifPresent(e -> p.add("refused to " + e));
        t.undecodableFolder().ifPresent(u -> p.add("undecodable to " + u));
        if (t.fromMoves()) p.add("from the user's moves");
        return p;
    }

    /** Logs in, finds the folders and asks the classifier; one line on out when all is well, on err otherwise. */
    private ExitCode connect(AccountConfig a, Map<ClassifierConfig, String> classifierChecked, PrintWriter out, PrintWriter err) {
        Secret password;
        try {
            password = AccountWiring.password(a.imap().password(), env, a.name());
        } catch (ExitException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
        List<String> missingOptional = new ArrayList<>();
        try (MailStore store = AccountWiring.connect(AccountWiring.imapSettings(a.imap(), password), AccountWiring::configAdvice)) {
            List<String> problems = AccountWiring.serverFolders(a, store).problems();
            if (!problems.isEmpty()) {
                err.println(a.name() + ": " + String.join("; ", problems) + " (begone isbg --imaplist lists them)");
                return ExitCode.BAD_ARGUMENTS;
            }
            for (String folder : otherFolders(a)) if (!store.exists(folder)) missingOptional.add(folder);
        } catch (MailStoreException e) {
            err.println(a.name() + ": IMAP: " + e.getMessage());
            return ExitCode.IMAP_ERROR;
        }
        String classifier = classifierChecked.get(a.classifier());
        if (classifier == null) {
            try (Classifier cl = AccountWiring.classifier(a.classifier(), null)) {
                cl.classify(PROBE);
                classifier = "classifier " + a.classifier().name() + " answers";
            } catch (ClassifierException e) {
                err.println(a.name() + ": classifier " + a.classifier().name() + ": " + e.getMessage());
                return ExitCode.CLASSIFIER_ERROR;
            } catch (ExitException e) {
                err.println(a.name() + ": classifier " + a.classifier().name() + ": " + e.getMessage());
                return e.exitCode();
            }
            classifierChecked.put(a.classifier(), classifier);
        }
        out.println(a.name() + ": logged in, folders found, " + classifier
                + (missingOptional.isEmpty() ? "" : "; not on the server yet (created when first used): " + String.join(", ", missingOptional)));
        return ExitCode.OK;
    }

    /** Folders that filing, housekeeping or training will use or create later: reported, not required. */
    private static Set<String> otherFolders(AccountConfig a) {
        Set<String> s = new LinkedHashSet<>();
        for (RoutingRule r : a.filing().routing().rules()) folderOf(r.target(), s);
        s.addAll(a.filing().routing().noSpamCheck());
        a.filing().duplicates().ifPresent(d -> folderOf(d.action(), s));
        for (Filing.Level l : a.filing().levels().levels()) folderOf(l.target(), s);
        a.filing().levels().unsure().ifPresent(s::add);
        for (Housekeeping.Retention r : a.housekeeping().retention()) s.add(r.folder());
        for (Housekeeping.Archive r : a.housekeeping().archive()) s.add(r.folder());
        Training t = a.training();
        s.addAll(t.learnSpam());
        s.addAll(t.learnHam());
        s.addAll(t.allowSender());
        t.allowSenderTo().ifPresent(s::add);
        if (t.after() instanceof Training.After.Move m) {
            m.spam().ifPresent(s::add);
            m.ham().ifPresent(s::add);
        }
        t.errors().ifPresent(s::add);
        t.undecodable().ifPresent(s::add);
        return s;
    }

    private static void folderOf(Destination d, Set<String> into) {
        if (d instanceof Destination.Folder f) into.add(f.name());
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
