package dev.begone.imap;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * The selected folder of an {@link ImapMailStore}. Commands are written and their answers parsed here, so that
 * no per-message {@code Message} object is ever built: a fetch of a batch costs the batch's bytes, nothing more.
 */
final class ImapFolder implements MailStore.OpenFolder {
    /** Beyond this many ranges an exclusion is applied to the answer instead of being sent (commands stay short). */
    private static final int MAX_EXCLUDED_RANGES = 500;
    /** RFC 3501's date: {@code 1-Feb-1994}, English month names whatever the default locale. */
    private static final DateTimeFormatter SEARCH_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.US);

    private final ImapMailStore owner;
    private final String name;
    private final IMAPFolder folder;
    private final long uidValidity;
    private final long uidNext;
    /** RFC 2177 has servers end an IDLE after 30 minutes of silence; re-issuing at 25 keeps clear of that. */
    static final Duration IDLE_LIMIT = Duration.ofMinutes(25);

    /** Kept from EXISTS and EXPUNGE answers, as Angus's own count ignores commands it did not send. */
    private long messageCount;
    /** An EXISTS raised the count since the folder was opened or an await last said so. */
    private boolean arrived;
    /** An EXPUNGE lowered the count since the folder was opened or {@link #awaitChanges} last said so. */
    private boolean departed;

    ImapFolder(ImapMailStore owner, String name, IMAPFolder folder) throws MailStoreException {
        this.owner = owner;
        this.name = name;
        this.folder = folder;
        try {
            this.uidValidity = folder.getUIDValidity();
            this.uidNext = folder.getUIDNext();
            this.messageCount = folder.getMessageCount();
        } catch (MessagingException e) {
            throw owner.failure("SELECT " + name, e);
        }
    }

    /** Angus's folder, on whose connection this folder's commands run. */
    IMAPFolder imapFolder() {
        return folder;
    }

    boolean isOpen() {
        return folder.isOpen();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long uidValidity() {
        return uidValidity;
    }

    @Override
    public long uidNext() {
        return uidNext;
    }

    @Override
    public long messageCount() {
        return messageCount;
    }

    @Override
    public UidSet search(SearchCriteria c) throws MailStoreException {
        boolean esearch = owner.capabilities().contains("ESEARCH");
        Argument args = new Argument();
        if (esearch) args.writeAtom("RETURN").writeAtom("(ALL)");
        boolean ascii = c.headerValue() == null || StandardCharsets.US_ASCII.newEncoder().canEncode(c.headerValue());
        if (!ascii) args.writeAtom("CHARSET").writeAtom("UTF-8");
        int conditions = 0;
        if (!c.excluded().isEmpty() && c.excluded().rangeCount() <= MAX_EXCLUDED_RANGES) {
            args.writeAtom("UID").writeAtom(complement(c.excluded()));
            conditions++;
        }
        if (c.maxSizeBytes() != Long.MAX_VALUE) {
            // SMALLER n means size < n; maxSizeBytes keeps messages of exactly that size.
            args.writeAtom("SMALLER").writeNumber(c.maxSizeBytes() + 1);
            conditions++;
        }
        if (c.flagged() != null) {
            args.writeAtom(c.flagged() ? "FLAGGED" : "UNFLAGGED");
            conditions++;
        }
        if (c.undeletedOnly()) {
            args.writeAtom("UNDELETED");
            conditions++;
        }
        if (c.headerName() != null) {
            args.writeAtom("HEADER").writeString(c.headerName()).writeString(c.headerValue(), StandardCharsets.UTF_8);
            conditions++;
        }
        if (c.before() != null) {
            args.writeAtom("BEFORE").writeAtom(SEARCH_DATE.format(c.before()));
            conditions++;
        }
        if (conditions == 0) args.writeAtom("ALL");
        UidSet found = ImapResponses.searchResult(command("UID SEARCH", args));
        // "n:*" always matches the highest UID, even when it is below n; and a long exclusion list is not sent.
        return found.minus(c.excluded());
    }

    /** Every UID not in {@code excluded}, as a sequence-set ending in {@code max+1:*}. */
    private static String complement(UidSet excluded) {
        String below = UidSet.range(1, excluded.max()).minus(excluded).toString();
        return (below.isEmpty() ? "" : below + ",") + (excluded.max() + 1) + ":*";
    }

    @Override
    public Map<Long, Long> sizes(UidSet uids) throws MailStoreException {
        if (uids.isEmpty()) return Map.of();
        Map<Long, Long> out = new HashMap<>();
        for (Response r : command("UID FETCH", new Argument().writeAtom(uids.toString()).writeAtom("(UID RFC822.SIZE)"))) {
            if (!(r instanceof FetchResponse fr)) continue;
            UID uid = fr.getItem(UID.class);
            RFC822SIZE size = fr.getItem(RFC822SIZE.class);
            if (uid != null && size != null && uids.contains(uid.uid)) out.put(uid.uid, size.size);
        }
        return out;
    }

    @Override
    public List<FetchedMessage> fetch(UidSet uids) throws MailStoreException {
        if (uids.isEmpty()) return List.of();
        Argument args = new Argument().writeAtom(uids.toString())
                .writeAtom("(UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[])");
        List<FetchedMessage> out = new ArrayList<>();
        for (Response r : command("UID FETCH", args)) {
            if (!(r instanceof FetchResponse fr)) continue;
            UID uid = fr.getItem(UID.class);
            BODY body = fr.getItem(BODY.class);
            if (uid == null || body == null || !uids.contains(uid.uid)) continue;
            FLAGS flags = fr.getItem(FLAGS.class);
            INTERNALDATE date = fr.getItem(INTERNALDATE.class);
            RFC822SIZE size = fr.getItem(RFC822SIZE.class);
            out.add(new FetchedMessage(
                    uid.uid,
                    body.getByteArray().getNewBytes(),
                    flags == null ? Set.of() : ImapResponses.flagStrings(flags),
                    date == null ? null : Instant.ofEpochMilli(date.getDate().getTime()),
                    size == null ? -1 : size.size));
        }
        return out;
    }

    @Override
    public Map<Long, String> fetchHeader(UidSet uids, String headerName) throws MailStoreException {
        if (!headerName.matches("[!-9;-~]+")) {
            throw new IllegalArgumentException("'" + headerName + "' is not a header field name");
        }
        if (uids.isEmpty()) return Map.of();
        Argument args = new Argument().writeAtom(uids.toString())
                .writeAtom("(UID BODY.PEEK[HEADER.FIELDS (" + headerName + ")])");
        Map<Long, String> out = new HashMap<>();
        for (Response r : command("UID FETCH", args)) {
            if (!(r instanceof FetchResponse fr)) continue;
            UID uid = fr.getItem(UID.class);
            BODY body = fr.getItem(BODY.class);
            if (uid == null || body == null || !uids.contains(uid.uid)) continue;
            String value = ImapResponses.headerValue(body.getByteArray().getNewBytes(), headerName);
            if (value != null) out.put(uid.uid, value);
        }
        return out;
    }

    @Override
    public void addFlags(UidSet uids, Set<String> flags) throws MailStoreException {
        store(uids, "+FLAGS.SILENT", flags);
    }

    @Override
    public void removeFlags(UidSet uids, Set<String> flags) throws MailStoreException {
        store(uids, "-FLAGS.SILENT", flags);
    }

    private void store(UidSet uids, String op, Set<String> flags) throws MailStoreException {
        if (uids.isEmpty() || flags.isEmpty()) return;
        command("UID STORE", new Argument().writeAtom(uids.toString()).writeAtom(op)
                .writeAtom(ImapResponses.flagList(flags)));
    }

    @Override
    public CopyResult copy(UidSet uids, String destination) throws MailStoreException {
        if (uids.isEmpty()) return CopyResult.unknown();
        return ImapResponses.copyUid(command("UID COPY", new Argument().writeAtom(uids.toString())
                .writeString(BASE64MailboxEncoder.encode(destination))));
    }

    @Override
    public CopyResult move(UidSet uids, String destination) throws MailStoreException {
        if (uids.isEmpty()) return CopyResult.unknown();
        return ImapResponses.copyUid(command("UID MOVE", new Argument().writeAtom(uids.toString())
                .writeString(BASE64MailboxEncoder.encode(destination))));
    }

    @Override
    public void uidExpunge(UidSet uids) throws MailStoreException {
        if (!owner.supportsUidPlus()) {
            throw new MailStoreException("server does not offer UIDPLUS, so UID EXPUNGE of " + uids + " in "
                    + name + " is impossible");
        }
        if (uids.isEmpty()) return;
        command("UID EXPUNGE", new Argument().writeAtom(uids.toString()));
    }

    @Override
    public void expungeAll() throws MailStoreException {
        command("EXPUNGE", null);
    }

    @Override
    public void close() throws MailStoreException {
        if (!folder.isOpen()) return;
        try {
            folder.close(false);
        } catch (MessagingException e) {
            throw owner.failure("CLOSE " + name, e);
        }
    }

    /**
     * Sends one command on this folder's connection. Untagged answers other than FETCH go to Angus's own
     * handlers (EXISTS, EXPUNGE, BYE keep its view of the folder right); FETCH answers would make it build a
     * message object per answer, which is what this class avoids.
     */
    private Response[] command(String verb, Argument args) throws MailStoreException {
        return owner.run(verb + " in " + name, folder, (IMAPProtocol p) -> {
            Response[] r = p.command(verb, args);
            List<Response> forAngus = new ArrayList<>();
            for (Response each : r) {
                if (each instanceof FetchResponse) continue;
                forAngus.add(each);
                count(each);
            }
            p.notifyResponseHandlers(forAngus.toArray(new Response[0]));
            p.handleResult(r[r.length - 1]);
            return r;
        });
    }

    /** Follows the message count; an EXISTS above the count means new messages (an EXPUNGE lowers it first). */
    private void count(Response r) {
        if (!(r instanceof IMAPResponse ir) || !ir.isUnTagged()) return;
        if (ir.keyEquals("EXISTS")) {
            if (ir.getNumber() > messageCount) arrived = true;
            messageCount = ir.getNumber();
        } else if (ir.keyEquals("EXPUNGE")) {
            messageCount--;
            departed = true;
        }
    }

    @Override
    public boolean awaitNewMessages(Duration max, Duration pollInterval)
            throws MailStoreException, InterruptedException {
        return await(max, pollInterval, false);
    }

    @Override
    public boolean awaitChanges(Duration max, Duration pollInterval) throws MailStoreException, InterruptedException {
        return await(max, pollInterval, true);
    }

    private boolean await(Duration max, Duration pollInterval, boolean departures)
            throws MailStoreException, InterruptedException {
        if (max.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("max " + max + " and pollInterval " + pollInterval + " must be positive");
        }
        boolean idle = owner.supportsIdle();
        long deadline = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); !woken(departures) && left > 0; left = deadline - System.nanoTime()) {
            long period = Math.min(left, (idle ? IDLE_LIMIT : pollInterval).toNanos());
            if (idle) idle(period, departures);
            else poll(period);
        }
        boolean news = woken(departures);
        arrived = false;
        if (departures) departed = false;
        return news;
    }

    private boolean woken(boolean departures) {
        return arrived || departures && departed;
    }

    private void poll(long nanos) throws MailStoreException, InterruptedException {
        Thread.sleep(Duration.ofNanos(nanos));
        command("NOOP", null);
    }

    /**
     * One IDLE of at most {@code nanos}. A virtual thread only reads answers and hands them over, so this thread
     * stays free to notice the deadline or an interrupt and send DONE (an interrupted thread blocked in a socket read
     * would close the socket instead). The answers are handled here, under the folder's lock as for any command,
     * but the wait holds no lock: a virtual thread waiting inside {@code synchronized} would pin its carrier on
     * Java 21. A server that never answers DONE would hold the reader forever: the connection is dropped after the
     * configured timeout.
     */
    private void idle(long nanos, boolean departures) throws MailStoreException, InterruptedException {
        IMAPProtocol p = owner.run("IDLE in " + name, folder, (IMAPProtocol protocol) -> {
            protocol.idleStart();
            return protocol;
        });
        BlockingQueue<Response> answers = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("idle " + name).start(() -> readIdleAnswers(p, answers));
        boolean interrupted = false;
        boolean ended = false;
        try {
            long end = System.nanoTime() + nanos;
            boolean doneSent = false;
            while (!ended) {
                if (!doneSent && (woken(departures) || interrupted || System.nanoTime() - end >= 0)) {
                    p.idleAbort();
                    doneSent = true;
                    end = System.nanoTime() + owner.timeout().toNanos();
                }
                long wait = end - System.nanoTime();
                if (doneSent && wait <= 0) {
                    throw owner.failure("IDLE in " + name,
                            new IOException("no answer to DONE within " + owner.timeout().toSeconds() + " s"));
                }
                Response r;
                try {
                    r = answers.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    continue;
                }
                if (r == null) continue;
                // The reader stops by itself after a tagged answer or a BYE.
                ended = r.isTagged() || r.isBYE();
                owner.run("IDLE in " + name, folder, (IMAPProtocol protocol) -> {
                    count(r);
                    return protocol.processIdleResponse(r);
                });
            }
        } finally {
            // Otherwise only a closed socket stops the reader.
            if (!ended) p.disconnect();
        }
        if (interrupted) throw new InterruptedException("interrupted while waiting for new mail in " + name);
    }

    /** Reads until IDLE's tagged answer; a lost connection becomes a BYE, as Angus reports it for commands. */
    private static void readIdleAnswers(IMAPProtocol p, BlockingQueue<Response> answers) {
        while (true) {
            Response r;
            try {
                r = p.readResponse();
            } catch (InterruptedIOException e) {
                // A read timeout with nothing read is only a quiet server, the normal state of IDLE.
                if (e.bytesTransferred == 0) continue;
                r = Response.byeResponse(e);
            } catch (IOException | ProtocolException e) {
                r = Response.byeResponse(e);
            }
            answers.add(r);
            if (r.isTagged() || r.isBYE()) return;
        }
    }
}
