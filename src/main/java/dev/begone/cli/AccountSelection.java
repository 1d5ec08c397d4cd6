package dev.begone.cli;

import dev.begone.config.AccountConfig;
import dev.begone.config.Configuration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --account NAME}..., shared by the commands that work on the configured accounts. */
final class AccountSelection {
    @Option(names = "--account", paramLabel = "NAME", description = "Only this account (may be given several times).")
    List<String> only = new ArrayList<>();

    /** The accounts {@code --account} names, in the order given, or every account when it names none. */
    List<AccountConfig> chosen(Configuration c) {
        if (only.isEmpty()) return c.accounts();
        List<AccountConfig> chosen = new ArrayList<>();
        for (String name : new LinkedHashSet<>(only)) {
            chosen.add(c.account(name).orElseThrow(() -> ExitException.badArguments("--account " + name + ": " + c.file()
                    + " has no such account (it has " + String.join(", ", c.accounts().stream().map(AccountConfig::name).toList()) + ")")));
        }
        return chosen;
    }
}
