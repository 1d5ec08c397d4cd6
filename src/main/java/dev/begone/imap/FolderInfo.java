package dev.begone.imap;

import java.util.Set;

/**
 * One folder as listed by the server.
 *
 * @param name decoded folder name (not modified UTF-7)
 * @param delimiter hierarchy delimiter, or {@code '\0'} when the server has none
 * @param attributes as the server spells them, e.g. {@code \HasNoChildren}, {@code \Junk}; compare ignoring case
 */
public record FolderInfo(String name, char delimiter, Set<String> attributes) {
    public FolderInfo {
        if (name == null) throw new IllegalArgumentException("name is null");
        attributes = Set.copyOf(attributes);
    }

    public boolean hasAttribute(String attribute) {
        return attributes.stream().anyMatch(a -> a.equalsIgnoreCase(attribute));
    }
}
