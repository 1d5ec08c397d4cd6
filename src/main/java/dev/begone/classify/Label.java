package dev.begone.classify;

/** The truth a user teaches: what a message really is. */
public enum Label {
    SPAM,
    HAM;

    public String lowerName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
