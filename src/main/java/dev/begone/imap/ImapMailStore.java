package dev.begone.imap;

import jakarta.mail.Folder;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Status;

/** {@link MailStore} over IMAP with Angus Mail, one account per instance. */
public final class ImapMailStore implements MailStore {
    private final ImapSettings settings;
    private final IMAPStore store;
    /** Never opened: store-level commands run through it on the store's own connection. */
    private final IMAPFolder control;
    /** Folders opened and not known to be closed; each has its own connection. */
    private final List<ImapFolder> opened = new ArrayList<>();

    private ImapMailStore(ImapSettings settings, IMAPStore store, IMAPFolder control) {
        this.settings = settings;
        this.store = store;
        this.control = control;
    }

    public static ImapMailStore connect(ImapSettings s) throws MailStoreException {
        Session session = Session.getInstance(ImapTls.sessionProperties(s));
        if (s.trace() != null) {
            session.setDebugOut(s.trace());
            session.setDebug(true);
        }
        IMAPStore store;
        try {
            store = (IMAPStore) session.getStore(ImapTls.protocol(s));
            store.connect(s.host(), s.port(), s.user(), s.password().reveal());
            return new ImapMailStore(s, store, (IMAPFolder) store.getFolder("INBOX"));
        } catch (MessagingException e) {
            throw ImapTls.connectFailure(s, e);
        }
    }

    @Override
    public void noop() throws MailStoreException {
        run("NOOP", control, p -> {
            p.noop();
            return null;
        });
    }

    @Override
    public Set<String> capabilities() throws MailStoreException {
        return run("CAPABILITY", control, p -> {
            Set<String> caps = new LinkedHashSet<>();
            for (String c : p.getCapabilities().keySet()) caps.add(c.toUpperCase(Locale.ROOT));
            return Set.copyOf(caps);
        });
    }

    @Override
    public boolean supportsMove() throws MailStoreException {
        return capabilities().contains("MOVE");
    }

    @Override
    public boolean supportsUidPlus() throws MailStoreException {
        return capabilities().contains("UIDPLUS");
    }

    @Override
    public boolean supportsIdle() throws MailStoreException {
        return capabilities().contains("IDLE");
    }

    @Override
    public List<FolderInfo> listFolders() throws MailStoreException {
        Set<String> caps = capabilities();
        boolean specialUse = caps.contains("SPECIAL-USE") && caps.contains("LIST-EXTENDED");
        return run("LIST", control, p -> {
            Argument args = new Argument().writeString("").writeString("*");
            if (specialUse) args.writeAtom("RETURN").writeAtom("(SPECIAL-USE)");
            Response[] r = p.command("LIST", args);
            p.notifyResponseHandlers(r);
            p.handleResult(r[r.length - 1]);
            List<FolderInfo> out = new ArrayList<>();
            for (Response each : r) {
                if (each instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("LIST")) {
                    ListInfo li = new ListInfo(ir);
                    out.add(new FolderInfo(li.name, li.separator, Set.copyOf(Arrays.asList(li.attrs))));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<String> folderWithSpecialUse(String attribute) throws MailStoreException {
        return listFolders().stream().filter(f -> f.hasAttribute(attribute)).map(FolderInfo::name).findFirst();
    }

    @Override
    public boolean exists(String folder) throws MailStoreException {
        return run("LIST", control, p -> {
            ListInfo[] found = p.list("", folder);
            if (found == null) return false;
            for (ListInfo li : found) {
                boolean nonExistent = Set.copyOf(Arrays.asList(li.attrs)).stream().anyMatch(a -> a.equalsIgnoreCase("\\NonExistent"));
                if (li.name.equals(folder) && !nonExistent) return true;
            }
            return false;
        });
    }

    @Override
    public void create(String folder) throws MailStoreException {
        run("CREATE " + folder, control, p -> {
            p.create(folder);
            return null;
        });
    }

    @Override
    public long maxMessageBytes() {
        return settings.maxLiteralBytes();
    }

    @Override
    public OpenFolder open(String folder, boolean readOnly) throws MailStoreException {
        opened.removeIf(f -> !f.isOpen());
        for (ImapFolder f : opened) {
            if (f.name().equals(folder)) throw new IllegalStateException("folder " + folder + " is already open; close it first");
        }
        IMAPFolder f;
        try {
            f = (IMAPFolder) store.getFolder(folder);
            f.open(readOnly ? Folder.READ_ONLY : Folder.READ_WRITE);
        } catch (FolderNotFoundException e) {
            throw new MailStoreException("folder " + folder + " does not exist on " + settings.address(), e, true);
        } catch (MessagingException e) {
            throw failure((readOnly ? "EXAMINE " : "SELECT ") + folder, e);
        }
        ImapFolder open = new ImapFolder(this, folder, f);
        opened.add(open);
        return open;
    }

    @Override
    public FolderStatus status(String folder) throws MailStoreException {
        Status status = run("STATUS " + folder, control, p -> p.status(folder, new String[] {"UIDNEXT", "UIDVALIDITY"}));
        if (status == null || status.uidvalidity < 1 || status.uidnext < 1) {
            throw new MailStoreException("STATUS " + folder + " on " + settings.address() + " did not report UIDNEXT and UIDVALIDITY");
        }
        return new FolderStatus(status.uidvalidity, status.uidnext);
    }

    @Override
    public long append(String folder, byte[] message, Set<String> flags, Instant internalDate)
            throws MailStoreException {
        jakarta.mail.Flags f = ImapResponses.toFlags(flags);
        Date date = internalDate == null ? null : Date.from(internalDate);
        Literal literal = new Literal() {
            @Override
            public int size() {
                return message.length;
            }

            @Override
            public void writeTo(OutputStream os) throws IOException {
                os.write(message);
            }
        };
        AppendUID uid = run("APPEND " + folder, control, p -> p.appenduid(folder, f, date, literal, true));
        return uid == null ? -1 : uid.uid;
    }

    @Override
    public void close() throws MailStoreException {
        MailStoreException first = null;
        for (ImapFolder f : opened) {
            if (!f.isOpen()) continue;
            try {
                f.close();
            } catch (MailStoreException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        try {
            store.close();
        } catch (MessagingException e) {
            if (first == null) throw failure("LOGOUT", e);
            first.addSuppressed(e);
        }
        if (first != null) throw first;
    }

    /** The deadline of every network wait, as configured. */
    Duration timeout() {
        return settings.timeout();
    }

    <T> T run(String what, IMAPFolder folder, IMAPFolder.ProtocolCommand command) throws MailStoreException {
        try {
            @SuppressWarnings("unchecked")
            T result = (T) folder.doCommand(command);
            return result;
        } catch (MessagingException e) {
            throw failure(what, e);
        }
    }

    MailStoreException failure(String what, Exception e) {
        String text = e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && !e.getCause().getMessage().equals(text)) {
            text = text + " (" + e.getCause().getMessage() + ")";
        }
        return new MailStoreException(what + " on " + settings.address() + " failed: " + text, e, refused(e));
    }

    /** A NO or BAD answer, or a missing folder, anywhere in the cause chain; a lost connection is not a refusal. */
    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommandFailedException || t instanceof BadCommandException
                    || t instanceof FolderNotFoundException) {
                return true;
            }
            if (t instanceof ConnectionException || t instanceof jakarta.mail.FolderClosedException
                    || t instanceof jakarta.mail.StoreClosedException) {
                return false;
            }
        }
        return false;
    }
}
