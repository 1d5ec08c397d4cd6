package dev.begone.rules;

import dev.begone.config.Destination;

/** Where a decision sends a message. Folder names are as configured; the pipeline resolves them on the server. */
public sealed interface Target {
    Target KEEP = new Keep();
    Target SPAM = new Spam();
    Target TRASH = new Trash();
    Target DELETE = new Delete();

    /** Left in the folder it was found in. */
    record Keep() implements Target {
        @Override
        public String toString() {
            return "keep";
        }
    }

    /** Moved to this folder ({@code /} is the server's separator; created on first use). */
    record Folder(String name) implements Target {
        public Folder {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("folder name is empty");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Moved to the account's spam folder: {@code folders: spam:}, else the server's {@code \Junk}. */
    record Spam() implements Target {
        @Override
        public String toString() {
            return "spam folder";
        }
    }

    /** {@code DROP} / {@code action: drop}: moved to the Trash, from where the user can take it back. */
    record Trash() implements Target {
        @Override
        public String toString() {
            return "trash";
        }
    }

    /** {@code action: delete}, written out in full: deleted for good. */
    record Delete() implements Target {
        @Override
        public String toString() {
            return "delete";
        }
    }

    /** A configured destination (of a rule, a level, the duplicate action) as a target. */
    static Target of(Destination d) {
        return switch (d) {
            case Destination.Folder f -> new Folder(f.name());
            case Destination.Drop x -> TRASH;
            case Destination.Delete x -> DELETE;
        };
    }
}
