package dev.begone.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where begone keeps its per-user state: {@code $XDG_STATE_HOME/begone}, else {@code ~/.local/state/begone}.
 * Per-account files are named by a short hash of the account key (as isbg's {@code .isbg-lock<hash>}), so
 * a user name or host never has to be a valid file name and is not visible in a directory listing.
 */
public record StatePaths(Path stateDir) {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public StatePaths {
        Objects.requireNonNull(stateDir, "stateDir == null");
    }

    /** The XDG location from {@code env}; a relative XDG_STATE_HOME is ignored, as the XDG spec says. */
    public static StatePaths defaults(Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) return new StatePaths(Path.of(xdg, "begone"));
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            throw new IllegalStateException("cannot place begone's state: neither XDG_STATE_HOME nor HOME is set");
        }
        return new StatePaths(Path.of(home, ".local", "state", "begone"));
    }

    /**
     * The one file earlier begone versions kept every account's state in. Nothing writes to it any more but the move of
     * an account's rows out of it (see {@link StateStore#openAccount}).
     */
    public Path sharedDb() {
        return stateDir.resolve("state.db");
    }

    /** The account's own state file: accounts in one process never wait on each other's write lock or fsync. */
    public Path accountDb(String account) {
        return stateDir.resolve("accounts").resolve(accountId(account) + ".db");
    }

    public Path lockFile(String account) {
        return stateDir.resolve("locks").resolve(accountId(account) + ".lock");
    }

    public Path modelFile(String account, String classifier) {
        if (!SAFE_NAME.matcher(classifier).matches()) {
            throw new IllegalArgumentException("classifier name '" + classifier + "' is not usable in a file name");
        }
        return stateDir.resolve("models").resolve(accountId(account) + "-" + classifier + ".model");
    }

    public Path passwordFile(String account) {
        return stateDir.resolve("passwords").resolve(accountId(account));
    }

    /** First 16 hex digits of SHA-256 of the account key. */
    static String accountId(String account) {
        JournalEntry.requireText(account, "account");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(account.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
