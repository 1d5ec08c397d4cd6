package dev.begone.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build step (Maven's package phase, through exec:java): writes the bash/zsh completion script and the man pages'
 * AsciiDoc from the same picocli model the program parses with, so neither can fall behind an option.
 * Asciidoctor then turns the AsciiDoc into man pages. Lives with the tests because the jar does not need it.
 *
 * <p>Arguments: the completion script's path, the directory for the AsciiDoc pages.
 */
public final class CompletionAndManPages {
    private CompletionAndManPages() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: CompletionAndManPages COMPLETION-FILE ADOC-DIR");
        CommandLine begone = model();
        Path completion = Path.of(args[0]);
        Files.createDirectories(completion.toAbsolutePath().getParent());
        Files.writeString(completion, AutoComplete.bash("begone", begone), StandardCharsets.UTF_8);
        Path adoc = Files.createDirectories(Path.of(args[1]));
        int failed = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, begone.getCommandSpec());
        if (failed != 0) throw new IOException("man page generation failed with " + failed);
    }

    /** The command tree as the program builds it; the environment is empty since nothing runs. */
    static CommandLine model() {
        StringWriter sink = new StringWriter();
        return Main.commandLine(new PrintWriter(sink), new PrintWriter(sink), Map.of(), false);
    }
}
