package dev.begone.cli;

import dev.begone.classify.ClassifierException;
import dev.begone.config.ConfigException;
import dev.begone.imap.MailStoreException;
import dev.begone.progress.ProgressBars;
import dev.begone.state.LockedException;
import dev.begone.state.StateException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: wires the commands, the output writers and the one mapping from failures to exit codes. */
@Command(
        name = "begone",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Spam filter for IMAP mailboxes.",
        subcommands = {IsbgCommand.class, RunCommand.class, WatchCommand.class, LearnCommand.class, LogCommand.class,
            UndoCommand.class, ConfigCommand.class, EvaluateCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Map<String, String> env = System.getenv();
        System.exit(run(args, out, err, env, Terminal.console(), Terminal.progressBars(err, Terminal.stderr(), env)));
    }

    /** Runs one command line, not on a terminal; what tests call. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return run(args, out, err, env, false);
    }

    /** @param terminal whether standard output is a terminal (some commands say more there, and less under cron) */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        return run(args, out, err, env, terminal, ProgressBars.NONE);
    }

    /** @param bars where long interactive work shows its progress: {@link ProgressBars#NONE} unless err is a terminal */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, ProgressBars bars) {
        CommandLine cl = commandLine(out, err, env, terminal, bars);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        return commandLine(out, err, env, terminal, ProgressBars.NONE);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal,
            ProgressBars bars) {
        CommandLine cl = new CommandLine(new Main(), new Factory(env, terminal, bars));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("begone: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Use --help to see valid options and arguments");
            return ExitCode.BAD_ARGUMENTS.code();
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                // Already the one line, file:line:column first, as compilers print it.
                commandLine.getErr().println(ex.getMessage());
                return ExitCode.BAD_ARGUMENTS.code();
            }
            ExitCode code = exitCodeOf(ex);
            if (code == ExitCode.INTERNAL_ERROR) {
                commandLine.getErr().println("begone: internal error (a bug; please report it with what follows):");
                ex.printStackTrace(commandLine.getErr());
                return code.code();
            }
            commandLine.getErr().println("begone: " + messageOf(ex));
            if (code == ExitCode.BAD_ARGUMENTS) commandLine.getErr().println("Use --help to see valid options and arguments");
            return code.code();
        });
        return cl;
    }

    static ExitCode exitCodeOf(Throwable ex) {
        if (ex instanceof ExitException e) return e.exitCode();
        if (ex instanceof ConfigException) return ExitCode.BAD_ARGUMENTS;
        if (ex instanceof MailStoreException) return ExitCode.IMAP_ERROR;
        if (ex instanceof ClassifierException) return ExitCode.CLASSIFIER_ERROR;
        if (ex instanceof LockedException) return ExitCode.LOCKED;
        if (ex instanceof StateException) return ExitCode.BAD_ARGUMENTS;
        if (ex instanceof IllegalArgumentException) return ExitCode.BAD_ARGUMENTS;
        if (ex instanceof java.io.IOException) return ExitCode.IMAP_ERROR;
        return ExitCode.INTERNAL_ERROR;
    }

    private static String messageOf(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    /** Lets commands receive the environment without reading the process's (tests pass their own). */
    private record Factory(Map<String, String> env, boolean terminal, ProgressBars bars) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == IsbgCommand.class) return cls.cast(new IsbgCommand(env, bars));
            if (cls == RunCommand.class) return cls.cast(new RunCommand(env, terminal, bars));
            if (cls == EvaluateCommand.class) return cls.cast(new EvaluateCommand(bars));
            if (cls == WatchCommand.class) return cls.cast(new WatchCommand(env, StopRequests.signals()));
            if (cls == LearnCommand.class) return cls.cast(new LearnCommand(env, terminal));
            if (cls == ConfigCheckCommand.class) return cls.cast(new ConfigCheckCommand(env));
            if (cls == UndoCommand.class) return cls.cast(new UndoCommand(env));
            if (cls == LogCommand.class) return cls.cast(new LogCommand(env, java.time.ZoneId.systemDefault()));
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"begone " + (v == null ? "(development build)" : v)};
        }
    }
}
