package dev.begone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package tree is the architecture: cli → daemon → pipeline → {imap, classify, rules, state}, and {cli, classify} →
 * process (child programs with deadlines); each lower package knows nothing above it and keeps its library
 * (Angus Mail, JDBC, sockets) to itself. Every package may read the {@code config} records, and {@code config}
 * knows nothing else of begone. Checked on the sources' imports.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/begone");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)\\.[\\w*]+;");

    /** For each package: the dev.begone packages it may import, and the outside prefixes it must not. */
    private record Rule(List<String> mayUse, List<String> mustNotUse) {}

    private static final List<String> MAIL_LIBRARY = List.of("jakarta.mail", "org.eclipse.angus");
    private static final List<String> DATABASE = List.of("java.sql", "org.sqlite");

    /** HTTP and socket libraries: {@code config} describes servers but never talks to one. */
    private static final List<String> NETWORK = List.of("java.net.http", "java.net.Socket", "java.net.ServerSocket",
            "javax.net", "org.apache.hc", "com.fasterxml");

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("config", new Rule(List.of("config"), concat(concat(MAIL_LIBRARY, DATABASE), NETWORK))),
            Map.entry("imap", new Rule(List.of("imap", "config"), DATABASE)),
            Map.entry("classify", new Rule(List.of("classify", "process", "config"), concat(MAIL_LIBRARY, DATABASE))),
            Map.entry("process", new Rule(List.of("process"), concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))),
            Map.entry("state", new Rule(List.of("state", "imap", "classify", "config"), MAIL_LIBRARY)),
            // Pure functions: no files, sockets, database or mail library (java.nio.charset is text, not I/O).
            Map.entry("rules", new Rule(List.of("rules", "classify", "config"), concat(MAIL_LIBRARY,
                    List.of("java.io", "java.nio.file", "java.nio.channels", "java.net", "java.sql")))),
            Map.entry("pipeline", new Rule(List.of("pipeline", "imap", "classify", "state", "rules", "config"),
                    concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))),
            Map.entry("eval", new Rule(List.of("eval", "classify", "config"), DATABASE)),
            // The daemon decides when work runs; how to file is the pipeline's, how to wait the imap package's.
            Map.entry("daemon", new Rule(List.of("daemon", "pipeline", "imap", "config"),
                    concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))),
            // Prometheus stays in metrics, which observes the daemon and the pipeline and serves what it saw.
            Map.entry("metrics", new Rule(List.of("metrics", "daemon", "pipeline", "classify", "config"),
                    concat(MAIL_LIBRARY, DATABASE))),
            // The log writes lines for what the daemon and the pipeline report; it talks to nothing.
            Map.entry("log", new Rule(List.of("log", "daemon", "pipeline", "imap", "classify", "config"),
                    concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))),
            // Bars on a terminal, for whatever counts: it knows nothing of mail, and its library stays inside.
            Map.entry("progress", new Rule(List.of("progress"), concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))),
            Map.entry("demo", new Rule(List.of("demo", "pipeline", "imap", "classify", "state", "rules", "config"), DATABASE)),
            Map.entry("cli", new Rule(List.of("cli", "daemon", "log", "metrics", "pipeline", "imap", "classify", "state", "rules",
                    "eval", "demo", "config", "process", "progress"),
                    concat(concat(MAIL_LIBRARY, DATABASE), List.of("java.net")))));

    @Test
    void everyPackageImportsOnlyWhatItsLayerAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                Rule rule = RULES.get(pkg);
                if (rule == null) {
                    violations.add(file + ": package '" + pkg + "' has no architecture rule");
                    continue;
                }
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (imported.startsWith("dev.begone.")) {
                        String target = imported.substring("dev.begone.".length()).split("\\.")[0];
                        if (!rule.mayUse().contains(target)) violations.add(file + " imports " + imported);
                    } else if (rule.mustNotUse().stream().anyMatch(imported::startsWith)) {
                        violations.add(file + " imports " + imported);
                    } else if (imported.startsWith("org.snakeyaml") && !pkg.equals("config")) {
                        // The YAML library stays inside config, which hands out records only.
                        violations.add(file + " imports " + imported);
                    } else if (imported.startsWith("io.prometheus") && !pkg.equals("metrics")) {
                        violations.add(file + " imports " + imported);
                    } else if (imported.startsWith("me.tongfei") && !pkg.equals("progress")) {
                        violations.add(file + " imports " + imported);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void stateKnowsOnlyUidSetsOfImapAndLabelsOfClassify() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("state"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if ((line.startsWith("import dev.begone.imap.") && !line.equals("import dev.begone.imap.UidSet;"))
                            || (line.startsWith("import dev.begone.classify.") && !line.equals("import dev.begone.classify.Label;"))) {
                        violations.add(file + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
