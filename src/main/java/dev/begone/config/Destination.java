package dev.begone.config;

/** What happens to a message a rule, a level or the duplicate check has decided on. */
public sealed interface Destination {

    /** Filed in this folder ({@code /} stands for the server's hierarchy separator). */
    record Folder(String name) implements Destination {
        public Folder {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("folder name is empty");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code DROP} / {@code action: drop}: moved to the Trash, from where the user can still take it back. */
    record Drop() implements Destination {
        @Override
        public String toString() {
            return "drop";
        }
    }

    /** {@code action: delete}, written out in full: deleted for good. */
    record Delete() implements Destination {
        @Override
        public String toString() {
            return "delete";
        }
    }
}
