package dev.begone.cli;

import dev.begone.config.AccountConfig;
import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import dev.begone.pipeline.StopSignal;
import dev.begone.pipeline.Undo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Puts back what begone run did lately, account by account, each under its lock. */
@Command(
        name = "undo",
        mixinStandardHelpOptions = true,
        description = {"Puts back everything begone run moved, trashed or flagged in the window: each message to the folder "
                + "it was found in, with its flags. Lists what it could not put back, and why.",
            "A message is never put back twice. Exit code: the worst account's (as for run)."})
final class UndoCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    AccountSelection selection;

    @Option(names = "--since", paramLabel = "AGE", required = true, converter = LogCommand.Age.class,
            description = "What was done this long ago or later: a number and s, m, h or d (2h, 7d).")
    Duration since;

    @Option(names = "--dry-run", description = "Say what would be put back, and change nothing.")
    boolean dryRun;

    UndoCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws ConfigException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration c = config.load(env);
        Instant from = Instant.now().minus(since);
        int worst = ExitCode.OK.code();
        for (AccountConfig a : selection.chosen(c)) {
            Verbose listener = Verbose.account(err, a.name(), false);
            try {
                List<Undo.Line> lines;
                try (ConfiguredAccount account = ConfiguredAccount.open(a, env, classifier -> classifier)) {
                    account.lockWarning().ifPresent(w -> listener.warning("warning: " + w));
                    lines = account.withSession(listener, StopSignal.NEVER, (session, folders) -> Undo.run(session, from, dryRun));
                }
                int back = 0;
                for (Undo.Line l : lines) {
                    String what = l.restored() ? (dryRun ? "would put back " : "put back ") : "cannot put back ";
                    out.println(a.name() + ": " + what + l.folder() + " <- " + l.from() + ": " + show(l.sender()) + " \"" + show(l.subject())
                            + "\"" + (l.restored() ? "" : ": " + l.detail()));
                    if (l.restored()) back++;
                }
                out.println(a.name() + ": " + back + (dryRun ? " would be put back, " : " put back, ") + (lines.size() - back)
                        + " cannot be");
            } catch (Exception e) {
                worst = Math.max(worst, RunCommand.failed(a, e, err).code());
            }
            out.flush();
            err.flush();
        }
        return worst;
    }

    private static String show(String text) {
        return text == null ? "-" : text.replaceAll("\\s+", " ").strip();
    }
}
