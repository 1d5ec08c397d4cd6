package dev.begone.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Training folders: what is learnt from where, and what happens to a message once it is learnt.
 *
 * @param allowSender folders whose messages' senders join the allow-list (the message then goes back)
 * @param allowSenderTo where messages of {@code allowSender} folders go back to; empty: the first scanned folder
 * @param errors      where a message the classifier refuses is put; empty: it stays and the reason is logged
 * @param undecodable where a message that cannot be read as a mail message is put; empty: where {@code errors} says
 * @param fromMoves   learn from the user's own moves into and out of the spam folder
 */
public record Training(List<String> learnSpam, List<String> learnHam, List<String> allowSender,
                       Optional<String> allowSenderTo, After after, Optional<String> errors, Optional<String> undecodable,
                       boolean fromMoves) {
    public static final Training NONE = new Training(List.of(), List.of(), List.of(), Optional.empty(), new After.Stay(),
            Optional.empty(), Optional.empty(), false);

    public Training {
        learnSpam = List.copyOf(learnSpam);
        learnHam = List.copyOf(learnHam);
        allowSender = List.copyOf(allowSender);
        Objects.requireNonNull(allowSenderTo, "allowSenderTo");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(undecodable, "undecodable");
    }

    /** Where an undecodable message goes: its own folder, else the errors folder, else nowhere (it stays). */
    public Optional<String> undecodableFolder() {
        return undecodable.or(() -> errors);
    }

    /** What happens to a message once the classifier confirmed the learning. */
    public sealed interface After {
        /** Left where it is; begone remembers it learnt it. */
        record Stay() implements After {}

        /** Moved: learnt spam to {@code spam}, learnt ham to {@code ham}; an empty one stays. */
        record Move(Optional<String> spam, Optional<String> ham) implements After {
            public Move {
                Objects.requireNonNull(spam, "spam");
                Objects.requireNonNull(ham, "ham");
                if (spam.isEmpty() && ham.isEmpty()) throw new IllegalArgumentException("neither spam nor ham is given");
            }
        }

        /** Moved to the Trash. */
        record Delete() implements After {}

        /** Flagged ({@code \Flagged}) and left where it is. */
        record Flag() implements After {}
    }
}
