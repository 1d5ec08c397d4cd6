package dev.begone.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration file: every account with its defaults applied, and what the whole process shares.
 *
 * @param file    where it was read from, as given
 * @param metrics where the Prometheus metrics are served, when at all
 */
public record Configuration(Path file, List<AccountConfig> accounts, Optional<Metrics> metrics) {

    /** {@code metrics: { listen: HOST:PORT }}: serves {@code /metrics} and {@code /healthz}. */
    public record Metrics(Address listen) {
        public Metrics {
            Objects.requireNonNull(listen, "listen");
        }
    }

    public Configuration {
        Objects.requireNonNull(file, "file");
        accounts = List.copyOf(accounts);
        if (accounts.isEmpty()) throw new IllegalArgumentException("no accounts");
        if (accounts.stream().map(AccountConfig::name).distinct().count() != accounts.size()) {
            throw new IllegalArgumentException("account names are not unique");
        }
        Objects.requireNonNull(metrics, "metrics");
    }

    /** {@code $XDG_CONFIG_HOME/begone/config.yaml}, else {@code ~/.config/begone/config.yaml}. */
    public static Path defaultFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        // A relative XDG_CONFIG_HOME is to be ignored, as the XDG spec says.
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "begone", "config.yaml");
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            throw new IllegalArgumentException("cannot find the configuration: neither XDG_CONFIG_HOME nor HOME is set (use --config FILE)");
        }
        return Path.of(home, ".config", "begone", "config.yaml");
    }

    /**
     * Reads and checks the whole file, including any {@code rules-file}; connects to nothing.
     *
     * @param env for {@code ~} in paths ({@code HOME})
     */
    public static Configuration load(Path file, Map<String, String> env) throws ConfigException {
        String label = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(label, 0, 0, "", "no such file (begone looks for $XDG_CONFIG_HOME/begone/config.yaml, or give --config FILE)");
        } catch (MalformedInputException e) {
            throw new ConfigException(label, 0, 0, "", "expected UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(label, 0, 0, "", "cannot be read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return new ConfigReader(dir, env, ownerOnly(file)).read(file, Yaml.parse(label, text));
    }

    /** Whether only the file's owner may read it, the condition for a password written in it. */
    static boolean ownerOnly(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return !p.contains(PosixFilePermission.GROUP_READ) && !p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            // Without POSIX permissions to prove otherwise, the file counts as readable by others.
            return false;
        }
    }

    public Optional<AccountConfig> account(String name) {
        return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
