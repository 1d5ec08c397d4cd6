package dev.begone.pipeline;

import dev.begone.imap.FolderInfo;
import dev.begone.imap.MailStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The folders the delivery rules and housekeeping name, on the server: {@code /} in a configured name stands for the
 * server's hierarchy separator (what LIST reports for INBOX, else for any folder), and a folder is created the first
 * time something is filed in it (never in a dry run). One LIST per run at most; a folder seen or created is not asked
 * about again.
 */
final class FolderNames {
    private final MailStore store;
    private final boolean create;
    private final Map<String, String> onServer = new HashMap<>();
    private final Set<String> present = new HashSet<>();
    private Character separator;

    /** @param create whether a missing folder is created (false: a dry run) */
    FolderNames(MailStore store, boolean create) {
        this.store = store;
        this.create = create;
    }

    /** The server's name of a configured folder, created when missing. */
    String ensure(String configured) throws IOException {
        String name = onServer(configured);
        if (create && present.add(name) && !store.exists(name)) store.create(name);
        return name;
    }

    /** The server's name of a configured folder, whether it exists or not. */
    String onServer(String configured) throws IOException {
        String name = onServer.get(configured);
        if (name == null) {
            char sep = separator();
            name = sep == '/' || sep == '\0' ? configured : configured.replace('/', sep);
            onServer.put(configured, name);
        }
        return name;
    }

    private char separator() throws IOException {
        if (separator == null) {
            char found = '\0';
            for (FolderInfo f : store.listFolders()) {
                if (f.delimiter() == '\0') continue;
                if (f.name().equalsIgnoreCase("INBOX")) {
                    found = f.delimiter();
                    break;
                }
                if (found == '\0') found = f.delimiter();
            }
            separator = found;
        }
        return separator;
    }
}
