package dev.begone.imap;

/**
 * A folder's numbering as STATUS reports it without selecting the folder. Taken before a copy into the folder, it
 * bounds where the copies can be: at or above {@code uidNext}, as long as {@code uidValidity} is unchanged.
 */
public record FolderStatus(long uidValidity, long uidNext) {
    public FolderStatus {
        if (uidValidity < 1) throw new IllegalArgumentException("uidValidity " + uidValidity + " is not positive");
        if (uidNext < 1) throw new IllegalArgumentException("uidNext " + uidNext + " is not positive");
    }
}
