package dev.begone.cli;

import dev.begone.classify.Classifier;
import dev.begone.classify.ClassifierException;
import dev.begone.config.AccountConfig;
import dev.begone.config.ClassifierConfig;
import dev.begone.config.ImapConfig;
import dev.begone.config.PasswordRef;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStoreException;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import dev.begone.imap.TlsRefusedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

    /** No message larger than this is ever fetched, whatever the size limit says. */
    private static final long MAX_FETCH_BYTES = 1L << 30;

    /**
     * The key of the mailbox itself, {@code user@host:port}: isbg's account key, and the lock that keeps two processes
     * (a {@code begone isbg} and a {@code begone run}, say) from working on one mailbox at once. Host names are
     * case-insensitive, so IMAP.Example.org and imap.example.org share it.
     */
    static String mailboxKey(String user, String host, int port) {
        return user + "@" + host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The largest literal to accept: a size limit above the default asks for such messages to be fetched. */
    static long maxLiteralBytes(long maxMessageSize) {
        return Math.min(MAX_FETCH_BYTES, Math.max(ImapSettings.DEFAULT_MAX_LITERAL_BYTES, maxMessageSize + 64 * 1024));
    }

    /**
     * An account's spam and trash folders as named in its configuration, or found by their SPECIAL-USE attributes.
     *
     * @param problems what is missing on the server, one phrase each; empty when the folders are usable
     */
    record ServerFolders(String spam, String trash, List<String> problems) {}

    /** The SPECIAL-USE attribute (RFC 6154) of the spam folder, when the configuration names none. */
    static final String JUNK = "\\Junk";

    static ServerFolders serverFolders(AccountConfig a, MailStore store) throws MailStoreException {
        List<String> problems = new ArrayList<>();
        for (String folder : a.folders().scan()) if (!store.exists(folder)) problems.add("scan folder " + folder + " is not on the server");
        String spam = requireFolder(store, a.folders().spam(), JUNK, "spam", problems);
        String trash = requireFolder(store, a.folders().trash(), "\\Trash", "trash", problems);
        return new ServerFolders(spam, trash, List.copyOf(problems));
    }

    private static String requireFolder(MailStore store, Optional<String> named, String specialUse, String role, List<String> problems)
            throws MailStoreException {
        if (named.isPresent()) {
            if (!store.exists(named.get())) problems.add(role + " folder " + named.get() + " is not on the server");
            return named.get();
        }
        Optional<String> found = store.folderWithSpecialUse(specialUse);
        if (found.isEmpty()) problems.add("no " + role + " folder is configured and the server marks none " + specialUse);
        return found.orElse(null);
    }

    /**
     * Connects; a TLS refusal gets the advice that {@code advice} words for its remedy in the caller's terms (a
     * command-line option, a configuration key), since the IMAP layer knows neither.
     */
    static MailStore connect(ImapSettings s, Function<TlsRefusedException.Remedy, String> advice) throws MailStoreException {
        try {
            return ImapMailStore.connect(s);
        } catch (TlsRefusedException e) {
            throw new MailStoreException(e.getMessage() + " (" + advice.apply(e.remedy()) + ")", e);
        }
    }

    /** The configuration file's remedy for a TLS refusal. */
    static String configAdvice(TlsRefusedException.Remedy remedy) {
        return switch (remedy) {
            case ALLOW_PLAINTEXT -> "tls: plaintext under imap: allows it";
            case SKIP_VERIFICATION -> "imap: host must be a name the certificate gives";
            case TRUST_CERTIFICATE -> "give the certificate that signed it as imap: ca: FILE";
        };
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
