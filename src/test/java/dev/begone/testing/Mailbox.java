package dev.begone.testing;

import dev.begone.imap.FetchedMessage;
import dev.begone.imap.FolderInfo;
import dev.begone.imap.ImapMailStore;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.MailStore;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Looks into a mailbox the way a user's mail client would, for assertions. */
public final class Mailbox {
    private Mailbox() {}

    /** Every message of the folder, oldest first. */
    public static List<FetchedMessage> messages(ImapSettings settings, String folder) throws IOException {
        try (MailStore store = ImapMailStore.connect(settings); MailStore.OpenFolder f = store.open(folder, true)) {
            UidSet all = f.search(SearchCriteria.all());
            return all.isEmpty() ? List.of() : f.fetch(all);
        }
    }

    /** Message-ID header per message, oldest first (messages without one are left out). */
    public static List<String> messageIds(ImapSettings settings, String folder) throws IOException {
        List<String> ids = new ArrayList<>();
        try (MailStore store = ImapMailStore.connect(settings); MailStore.OpenFolder f = store.open(folder, true)) {
            UidSet all = f.search(SearchCriteria.all());
            if (all.isEmpty()) return ids;
            Map<Long, String> byUid = new TreeMap<>(f.fetchHeader(all, "Message-ID"));
            ids.addAll(byUid.values());
        }
        return ids;
    }

    /** Moves the message with this Message-ID from one folder to another, as a user's mail client would (UID MOVE). */
    public static void move(ImapSettings settings, String from, String messageId, String to) throws IOException {
        try (MailStore store = ImapMailStore.connect(settings); MailStore.OpenFolder f = store.open(from, false)) {
            UidSet found = f.search(SearchCriteria.all().header("Message-ID", messageId));
            if (found.size() != 1) throw new AssertionError(from + " holds " + found.size() + " messages with Message-ID " + messageId);
            f.move(found, to);
        }
    }

    /** Every folder of the account that can hold mail, deepest first (so that each can be deleted before its parent). */
    public static List<String> folders(ImapSettings settings) throws IOException {
        try (MailStore store = ImapMailStore.connect(settings)) {
            return store.listFolders().stream()
                    .filter(f -> f.attributes().stream().noneMatch(a -> a.equalsIgnoreCase("\\Noselect") || a.equalsIgnoreCase("\\NonExistent")))
                    .map(FolderInfo::name).sorted(Comparator.reverseOrder()).toList();
        }
    }

    public static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
