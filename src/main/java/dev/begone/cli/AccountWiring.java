package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.config.ClassifierConfig;
import dev.begone.config.ImapConfig;
import dev.begone.config.PasswordRef;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import java.nio.file.Path;
import java.util.Map;

/** Turns an account's configuration records into the settings and objects the engine takes. */
final class AccountWiring {
    private AccountWiring() {}

    /**
     * Resolves a password reference; a command or keyring lookup runs through {@link Passwords} (its deadline,
     * its environment), and every failure names the account and the reference, never the secret.
     */
    static Secret password(PasswordRef ref, Map<String, String> env, String account) {
        String what = account + ": password " + ref;
        return switch (ref) {
            case PasswordRef.Inline i -> Secret.of(i.value());
            case PasswordRef.Env e -> {
                String v = env.get(e.variable());
                if (v == null || v.isEmpty()) throw ExitException.badArguments(what + ": the variable is not set");
                yield Secret.of(v);
            }
            case PasswordRef.File f -> Passwords.fromFile(f.path(), what);
            case PasswordRef.Command c -> fromCommand(c.command(), env, what);
            // secret-tool prints the secret without a newline, and nothing (exit 1) when there is none.
            case PasswordRef.Keyring k -> fromCommand("secret-tool lookup service " + shellQuote(k.service())
                    + " account " + shellQuote(k.account()), env, what + " (secret-tool)");
        };
    }

    private static Secret fromCommand(String command, Map<String, String> env, String what) {
        try {
            return Passwords.resolve(new Passwords.Sources(command, null, null, null, null, false), env, what);
        } catch (ExitException e) {
            // Passwords words its messages for the command-line option; here the reference is the subject.
            String m = e.getMessage().replaceFirst("^--password-command ", "");
            throw new ExitException(e.exitCode(), what + ": " + m, e);
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code plaintext} is STARTTLS that may go on without TLS: a server offering STARTTLS still gets it used. */
    static ImapSettings imapSettings(ImapConfig c, Secret password) {
        TlsMode mode = c.tls() == ImapConfig.Tls.IMPLICIT ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
        return ImapSettings.builder(c.host(), c.port(), c.user(), password, mode)
                .allowPlaintext(c.tls() == ImapConfig.Tls.PLAINTEXT)
                .trustCa(c.ca().orElse(null))
                .build();
    }

    /** @param builtinModel the built-in model's file, or null for a fresh model in memory */
    static Classifier classifier(ClassifierConfig c, Path builtinModel) throws ClassifierException {
        ClassifierOptions o = new ClassifierOptions();
        o.classifier = c.name();
        o.spamd = c.spamd().toString();
        o.rspamd = c.rspamd().url().toString();
        o.rspamdController = c.rspamd().controller().toString();
        o.rspamdPasswordFile = c.rspamd().passwordFile().orElse(null);
        o.rspamdThreshold = c.rspamd().threshold().isPresent() ? c.rspamd().threshold().getAsDouble() : null;
        o.jobs = c.jobs();
        o.validate();
        return o.create("builtin", builtinModel);
    }
}
