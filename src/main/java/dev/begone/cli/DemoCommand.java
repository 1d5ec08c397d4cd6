package dev.begone.cli;

import dev.begone.demo.Demo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shows begone at work with nothing installed: an embedded IMAP server, synthetic mail, the built-in classifier. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Starts an embedded IMAP server with synthetic ham and spam, trains the built-in classifier from "
                + "training folders, scans INBOX and prints what it did. Needs nothing but a JDK.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path work = Files.createTempDirectory("begone-demo");
        try {
            Demo.run(spec.commandLine().getOut(), work, Demo.Sizes.DEFAULT);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        return ExitCode.OK.code();
    }
}
