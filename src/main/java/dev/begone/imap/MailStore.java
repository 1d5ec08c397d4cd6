package dev.begone.imap;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mail operations begone needs, free of any IMAP library type so that an in-memory store can stand in.
 * Flags are IMAP flag strings: system flags with their backslash ({@code \Seen}, {@code \Flagged}...) and
 * keywords. Folder names are plain Unicode; encoding them for the wire is the store's job.
 */
public interface MailStore extends AutoCloseable {

    /** Asks the server for nothing: proves that a connection kept unused for a while still works. */
    void noop() throws MailStoreException;

    /** Capabilities after login, upper case. */
    Set<String> capabilities() throws MailStoreException;

    boolean supportsMove() throws MailStoreException;

    boolean supportsUidPlus() throws MailStoreException;

    /** IDLE (RFC 2177): the server tells a waiting client of new mail at once, instead of being asked. */
    boolean supportsIdle() throws MailStoreException;

    List<FolderInfo> listFolders() throws MailStoreException;

    /** The first folder carrying a SPECIAL-USE attribute such as {@code \Junk}, compared ignoring case. */
    Optional<String> folderWithSpecialUse(String attribute) throws MailStoreException;

    boolean exists(String folder) throws MailStoreException;

    void create(String folder) throws MailStoreException;

    /** The largest message this store fetches; a larger one would end the connection (see ImapSettings). */
    long maxMessageBytes();

    /** UIDVALIDITY and UIDNEXT of a folder, by STATUS: the folder need not be (and should not be) the open one. */
    FolderStatus status(String folder) throws MailStoreException;

    /**
     * Selects (or, read-only, examines) a folder. Several folders may be open at once, each on its own connection, but
     * not the same folder twice.
     */
    OpenFolder open(String folder, boolean readOnly) throws MailStoreException;

    /** Appends a message and returns its new UID, or -1 when the server did not say (no APPENDUID). */
    long append(String folder, byte[] message, Set<String> flags, Instant internalDate) throws MailStoreException;

    @Override
    void close() throws MailStoreException;

    /** A selected folder; every operation addresses messages by UID. */
    interface OpenFolder extends AutoCloseable {
        String name();

        long uidValidity();

        long uidNext();

        /** As of the last answer from the server. */
        long messageCount();

        /** One round trip however large the folder. */
        UidSet search(SearchCriteria criteria) throws MailStoreException;

        /** RFC822.SIZE per UID, one cheap command: what the caller needs to cut fetches by bytes. */
        Map<Long, Long> sizes(UidSet uids) throws MailStoreException;

        /** Whole messages in one command for the whole set (batching is the caller's job); never sets \Seen. */
        List<FetchedMessage> fetch(UidSet uids) throws MailStoreException;

        /** The value of one header per UID, unfolded; UIDs without that header are absent. */
        Map<Long, String> fetchHeader(UidSet uids, String headerName) throws MailStoreException;

        void addFlags(UidSet uids, Set<String> flags) throws MailStoreException;

        void removeFlags(UidSet uids, Set<String> flags) throws MailStoreException;

        CopyResult copy(UidSet uids, String destination) throws MailStoreException;

        /** UID MOVE (RFC 6851); call only when {@link MailStore#supportsMove()}. */
        CopyResult move(UidSet uids, String destination) throws MailStoreException;

        /** Expunges exactly these UIDs if marked \Deleted (needs UIDPLUS); other \Deleted messages stay. */
        void uidExpunge(UidSet uids) throws MailStoreException;

        /** Expunges every \Deleted message of the folder, whoever marked it. */
        void expungeAll() throws MailStoreException;

        /**
         * Waits until the server reports new messages in this folder, at most {@code max}. With IDLE the server's
         * word wakes it at once, and IDLE is ended (DONE) and issued again at least every 25 minutes; without
         * IDLE it asks with NOOP every {@code pollInterval}. An interrupt ends the wait cleanly: IDLE is ended
         * with DONE and its answer read (within the connection's timeout) before InterruptedException is thrown.
         *
         * @return true when messages arrived since the folder was opened or since this last returned true (at
         *     once if that happened before the call); false when {@code max} passed without any
         * @throws MailStoreException when the connection is lost or the server ends the wait with an error
         */
        boolean awaitNewMessages(Duration max, Duration pollInterval) throws MailStoreException, InterruptedException;

        /**
         * As {@link #awaitNewMessages}, but messages leaving the folder (EXPUNGE) wake it too: a move out of the
         * folder, which a mail client makes as a copy and an expunge. Each kind of wait clears what it reports.
         */
        boolean awaitChanges(Duration max, Duration pollInterval) throws MailStoreException, InterruptedException;

        @Override
        void close() throws MailStoreException;
    }
}
