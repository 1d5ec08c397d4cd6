package dev.begone.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an account's password comes from. Only {@link Inline} holds a secret, and no {@code toString()} here
 * prints one; resolving a reference (running the command, asking the keyring) is the caller's job.
 */
public sealed interface PasswordRef {

    /** Run with {@code /bin/sh -c}; the first line printed is the password. */
    record Command(String command) implements PasswordRef {
        public Command {
            requireText(command, "command");
        }

        /** The command itself may carry a secret ({@code echo hunter2}), so it is not shown. */
        @Override
        public String toString() {
            return "command";
        }
    }

    /** An environment variable of the begone process. */
    record Env(String variable) implements PasswordRef {
        public Env {
            requireText(variable, "variable");
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("expected an environment variable name, got '" + variable + "'");
            }
        }

        @Override
        public String toString() {
            return "env " + variable;
        }
    }

    /** The first line of a file. */
    record File(Path path) implements PasswordRef {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "file " + path;
        }
    }

    /** The freedesktop Secret Service entry with these two attributes ({@code secret-tool lookup service S account A}). */
    record Keyring(String service, String account) implements PasswordRef {
        public Keyring {
            requireText(service, "service");
            requireText(account, "account");
        }

        /** {@code "service account"}, the file's one-string form. */
        public static Keyring parse(String serviceAndAccount) {
            String[] parts = serviceAndAccount.strip().split("\\s+");
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("expected \"SERVICE ACCOUNT\" (two words), got '" + serviceAndAccount + "'");
            }
            return new Keyring(parts[0], parts[1]);
        }

        @Override
        public String toString() {
            return "keyring service " + service + " account " + account;
        }
    }

    /** Written in the configuration file itself, which must then be readable by its owner only. */
    record Inline(String value) implements PasswordRef {
        public Inline {
            requireText(value, "value");
        }

        @Override
        public String toString() {
            return "inline ***";
        }
    }

    private static void requireText(String s, String name) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException(name + " is empty");
    }
}
