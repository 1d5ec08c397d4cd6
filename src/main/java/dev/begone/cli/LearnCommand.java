package dev.begone.cli;

import dev.begone.pipeline.AccountRun;
import dev.begone.progress.ProgressBars;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code begone run} without the scan: finishes what an earlier run left unfinished, then learns from each account's
 * training folders and allows the senders of its whitelist folders. Same options, table and exit codes as {@code run}.
 */
@Command(
        name = "learn",
        mixinStandardHelpOptions = true,
        description = {"Learns from each configured account's training folders once (no scan): as begone run does before "
                + "it scans.",
            "Prints a table of the accounts on a terminal, elsewhere only when an account failed or had a warning. "
                + "Exit code: the worst account's (isbg's codes)."})
final class LearnCommand extends RunCommand {
    LearnCommand(Map<String, String> env, boolean terminal) {
        super(env, terminal, ProgressBars.NONE, AccountRun.Plan::trainingOnly);
    }
}
