package dev.begone.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code begone config ...}: work on the configuration file. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Work on the configuration file ($XDG_CONFIG_HOME/begone/config.yaml, or --config FILE).",
        subcommands = {ConfigCheckCommand.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
