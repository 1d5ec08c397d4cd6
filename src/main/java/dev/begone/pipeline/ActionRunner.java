package dev.begone.pipeline;

import dev.begone.imap.CopyResult;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.JournalEntry;
import dev.begone.state.StateStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Carries out IMAP changes so that no message is ever lost: every action's intent is journaled before the
 * first command is sent, nothing is expunged before its copy was confirmed, and the UIDs an action handled
 * are recorded only together with its completion. {@link #recover} finishes what a killed run left.
 */
final class ActionRunner {
    static final String DELETED = "\\Deleted";

    /** A rewritten message to upload in place of a server-side copy. */
    record Upload(byte[] message, Set<String> flags, Instant internalDate) {}

    /** Produces the upload for a message again after a crash (the rewritten bytes were not kept). */
    interface Rewriter {
        Upload rewrite(FetchedMessage original) throws IOException;
    }

    private final MailStore store;
    private final StateStore state;
    private final String account;
    private final boolean allowPlainExpunge;
    private final PipelineListener listener;

    ActionRunner(Session session, boolean allowPlainExpunge) {
        this.store = session.store();
        this.state = session.state();
        this.account = session.account();
        this.allowPlainExpunge = allowPlainExpunge;
        this.listener = session.listener();
    }

    /**
     * Journals every action of the plan, then performs them in order.
     *
     * @param messageIds Message-ID per UID, written with creating actions so a crash can be checked for copies
     * @param uploads    the bytes to APPEND per UID, for APPEND actions
     */
    void perform(OpenFolder folder, Purpose purpose, List<Action> plan, Map<Long, String> messageIds, Map<Long, Upload> uploads)
            throws IOException {
        List<Long> ids = new ArrayList<>(plan.size());
        for (Action action : plan) {
            String detail = action.createsMessages() ? detail(action.uids(), messageIds) : null;
            ids.add(state.beginAction(account, purpose.journalAction(action.op()), folder.name(), folder.uidValidity(),
                    action.uids(), action.target(), 0, detail));
            listener.step(stepName(action, "intent"));
        }
        for (int i = 0; i < plan.size(); i++) {
            Action action = plan.get(i);
            long id = ids.get(i);
            switch (action.op()) {
                case COPY -> {
                    CopyResult result = folder.copy(action.uids(), action.target());
                    listener.step(stepName(action, "sent"));
                    state.markCopied(id, result.destUids());
                }
                case APPEND -> appendAll(action, uploads, action.uids());
                case MOVE -> move(folder, id, action, action.uids());
                case FLAG -> folder.addFlags(action.uids(), flags(action.target()));
                case EXPUNGE -> expunge(folder, action.uids());
            }
            complete(id, purpose, folder, action);
        }
    }

    /** Completes every journaled action a previous run did not finish, oldest first; stops at the first failure. */
    int recover(Rewriter rewriter) throws IOException {
        List<JournalEntry> pending = state.pending(account);
        for (JournalEntry entry : pending) {
            Purpose purpose = Purpose.ofJournalAction(entry.action());
            Action action = new Action(Purpose.opOfJournalAction(entry.action()), entry.uids(), entry.destination());
            listener.warning("completing an action an earlier run left unfinished: " + entry.action() + " of "
                    + entry.uids() + " in " + entry.folder() + (entry.destination() == null ? "" : " -> " + entry.destination()));
            UidSet present;
            try (OpenFolder folder = store.open(entry.folder(), true)) {
                if (folder.uidValidity() != entry.uidValidity()) {
                    // The server renumbered the folder: the old UIDs name nothing now. Nothing was expunged
                    // unconfirmed, so every message is still in at least one folder; drop the entry.
                    listener.warning("folder " + entry.folder() + " changed UIDVALIDITY; abandoning journal entry " + entry.id());
                    state.complete(entry.id());
                    continue;
                }
                present = folder.search(SearchCriteria.all()).intersect(entry.uids());
            }
            boolean copied = entry.step() == JournalEntry.Step.COPIED;
            boolean mayHaveCopied = !copied && !present.isEmpty() && (action.op() == Action.Op.COPY
                    || action.op() == Action.Op.APPEND || (action.op() == Action.Op.MOVE && !store.supportsMove()));
            UidSet alreadyCopied = mayHaveCopied ? alreadyIn(action.target(), present, entry.detail()) : UidSet.empty();
            try (OpenFolder folder = store.open(entry.folder(), false)) {
                if (!present.isEmpty()) resume(folder, action, present, copied, alreadyCopied, rewriter);
                complete(entry.id(), purpose, folder, action);
            }
        }
        return pending.size();
    }

    private void resume(OpenFolder folder, Action action, UidSet present, boolean copied, UidSet alreadyCopied,
            Rewriter rewriter) throws IOException {
        UidSet missing = copied ? UidSet.empty() : present.minus(alreadyCopied);
        switch (action.op()) {
            case FLAG -> folder.addFlags(present, flags(action.target()));
            case EXPUNGE -> expunge(folder, present);
            case COPY -> {
                if (!missing.isEmpty()) folder.copy(missing, action.target());
            }
            case APPEND -> {
                if (missing.isEmpty()) return;
                Map<Long, Upload> uploads = new HashMap<>();
                for (FetchedMessage m : folder.fetch(missing)) uploads.put(m.uid(), rewriter.rewrite(m));
                appendAll(action, uploads, missing);
            }
            case MOVE -> {
                if (store.supportsMove()) {
                    folder.move(present, action.target());
                } else {
                    if (!missing.isEmpty()) folder.copy(missing, action.target());
                    folder.addFlags(present, Set.of(DELETED));
                    expunge(folder, present);
                }
            }
        }
    }

    private void move(OpenFolder folder, long id, Action action, UidSet uids) throws IOException {
        if (store.supportsMove()) {
            folder.move(uids, action.target());
            listener.step(stepName(action, "sent"));
            return;
        }
        CopyResult result = folder.copy(uids, action.target());
        listener.step(stepName(action, "sent"));
        state.markCopied(id, result.destUids());
        listener.step(stepName(action, "copied"));
        folder.addFlags(uids, Set.of(DELETED));
        expunge(folder, uids);
    }

    private void appendAll(Action action, Map<Long, Upload> uploads, UidSet uids) throws IOException {
        long[] each = uids.toArray();
        for (long uid : each) {
            Upload upload = uploads.get(uid);
            if (upload == null) throw new IllegalStateException("no upload prepared for UID " + uid);
            store.append(action.target(), upload.message(), upload.flags(), upload.internalDate());
        }
        listener.step(stepName(action, "sent"));
    }

    private void expunge(OpenFolder folder, UidSet uids) throws IOException {
        if (store.supportsUidPlus()) {
            folder.uidExpunge(uids);
        } else if (allowPlainExpunge) {
            folder.expungeAll();
        } else {
            listener.warning("server lacks UIDPLUS: " + uids + " left marked \\Deleted (use --expunge to allow a plain EXPUNGE)");
        }
    }

    /**
     * Which of {@code present} already have a copy in {@code destination}, judged by Message-ID. A message without
     * one is copied again: a duplicate is better than a loss.
     */
    private UidSet alreadyIn(String destination, UidSet present, String detail) throws IOException {
        Map<Long, String> ids = parseDetail(detail);
        UidSet.Builder found = UidSet.builder();
        try (OpenFolder dest = store.open(destination, true)) {
            for (long uid : present.toArray()) {
                String id = ids.get(uid);
                if (id != null && !dest.search(SearchCriteria.all().header("Message-ID", id)).isEmpty()) found.add(uid);
            }
        }
        return found.build();
    }

    private void complete(long id, Purpose purpose, OpenFolder folder, Action action) throws IOException {
        state.completeAndAddScanned(id, purpose.stateKey(folder.name()), folder.uidValidity(), action.uids());
        listener.step(stepName(action, "done"));
    }

    private static String stepName(Action action, String step) {
        return action.op().name().toLowerCase(Locale.ROOT) + "." + step;
    }

    static Set<String> flags(String spaceSeparated) {
        return new LinkedHashSet<>(List.of(spaceSeparated.trim().split("\\s+")));
    }

    private static String detail(UidSet uids, Map<Long, String> messageIds) {
        StringBuilder sb = new StringBuilder();
        uids.forEach(uid -> {
            String id = messageIds.get(uid);
            if (id != null) sb.append(uid).append('\t').append(id.replace('\n', ' ')).append('\n');
        });
        return sb.toString();
    }

    private static Map<Long, String> parseDetail(String detail) {
        Map<Long, String> ids = new HashMap<>();
        if (detail == null) return ids;
        for (String line : detail.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) ids.put(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1));
        }
        return ids;
    }
}
