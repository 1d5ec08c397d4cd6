package dev.begone.testing;

import dev.begone.imap.ImapSettings;
import dev.begone.imap.Secret;
import java.io.PrintStream;
import java.time.Duration;

/** Test variants of a server's settings: another port (a proxy), password, deadline or trace; the rest unchanged. */
public final class Variants {
    private Variants() {}

    public static ImapSettings port(ImapSettings s, int port) {
        return copy(s, port, s.password(), s.timeout(), s.trace());
    }

    public static ImapSettings password(ImapSettings s, String password) {
        return copy(s, s.port(), Secret.of(password), s.timeout(), s.trace());
    }

    public static ImapSettings timeout(ImapSettings s, Duration timeout) {
        return copy(s, s.port(), s.password(), timeout, s.trace());
    }

    public static ImapSettings trace(ImapSettings s, PrintStream trace) {
        return copy(s, s.port(), s.password(), s.timeout(), trace);
    }

    private static ImapSettings copy(ImapSettings s, int port, Secret password, Duration timeout, PrintStream trace) {
        return new ImapSettings(s.host(), port, s.user(), password, s.tls(), s.allowPlaintext(), s.trustCa(),
                s.insecure(), timeout, trace, s.maxLiteralBytes());
    }
}
