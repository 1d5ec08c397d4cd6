package dev.begone.cli;

import dev.begone.config.ConfigException;
import dev.begone.config.Configuration;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads the configuration file. */
final class ConfigFileOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration file (default: $XDG_CONFIG_HOME/begone/config.yaml, else ~/.config/begone/config.yaml).")
    Path file;

    Configuration load(Map<String, String> env) throws ConfigException {
        return Configuration.load(file != null ? file : Configuration.defaultFile(env), env);
    }
}
