package dev.begone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The build writes completion and man pages from the parser's own model: every command and option is in them. */
class CompletionAndManPagesTest {
    @TempDir
    Path dir;

    @Test
    void completionKnowsEveryCommandAndOptionAndEveryCommandHasAManPage() throws Exception {
        Path completion = dir.resolve("begone_completion");
        Path adoc = dir.resolve("adoc");
        CompletionAndManPages.main(new String[] {completion.toString(), adoc.toString()});
        String script = Files.readString(completion);

        List<String> missing = new ArrayList<>();
        List<CommandLine> commands = all(CompletionAndManPages.model());
        for (CommandLine c : commands) {
            if (!script.contains(c.getCommandName())) missing.add("command " + c.getCommandName());
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!script.contains(o.longestName())) missing.add(c.getCommandName() + " " + o.longestName());
            }
        }
        assertEquals(List.of(), missing, "absent from the completion script");

        Set<String> pages;
        try (Stream<Path> files = Files.list(adoc)) {
            pages = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        for (CommandLine c : commands) {
            String page = c.getCommandSpec().qualifiedName("-") + ".adoc";
            assertTrue(pages.contains(page), page + " in " + pages);
        }
    }

    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> out = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!out.contains(sub)) all(sub).stream().filter(c -> !out.contains(c)).forEach(out::add);
        }
        return out;
    }
}
