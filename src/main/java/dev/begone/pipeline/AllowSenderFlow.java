package dev.begone.pipeline;

import dev.begone.classify.SpamAssassinReports;
import dev.begone.imap.FetchedMessage;
import dev.begone.imap.MailStore.OpenFolder;
import dev.begone.imap.SearchCriteria;
import dev.begone.imap.UidSet;
import dev.begone.state.Purpose;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whitelist folder (the delivery system's {@code spam/whitelist}): each message's sender joins the account's
 * allow-list in the state, which the rules' allow stage reads, and the message goes back where mail is read. The
 * address is recorded before the message moves, so a crash between the two repeats only the (idempotent) recording.
 * Nothing is learnt: a sender is allowed, not a text.
 */
public final class AllowSenderFlow {
    private final Session session;
    private final AllowSenderSettings settings;
    private final ActionRunner runner;

    public AllowSenderFlow(Session session, AllowSenderSettings settings) {
        this.session = session;
        this.settings = settings;
        this.runner = new ActionRunner(session, false);
    }

    public void run() throws IOException {
        try (OpenFolder folder = session.store().open(settings.folder(), false)) {
            String key = Purpose.ALLOW_SENDER.scannedKey(folder.name());
            UidSet seen = session.state().scanned(session.account(), key, folder.uidValidity());
            UidSet held = session.state().pendingUids(session.account(), folder.name(), folder.uidValidity());
            UidSet fresh = folder.search(SearchCriteria.all().undeleted().excluding(seen.union(held)));
            if (settings.partialRun() > 0) fresh = fresh.highest(settings.partialRun());
            Map<Long, Long> sizes = folder.sizes(fresh);
            UidSet.Builder over = UidSet.builder();
            sizes.forEach((uid, size) -> {
                if (size > session.store().maxMessageBytes()) over.add(uid);
            });
            UidSet tooLarge = over.build();
            for (long uid : tooLarge.toArray()) {
                session.listener().warning(folder.name() + " uid " + uid + ": " + sizes.get(uid) + " bytes is over the largest "
                        + "message begone fetches, so its sender is not known: left where it is");
            }
            if (!tooLarge.isEmpty()) {
                session.state().addScanned(session.account(), key, folder.uidValidity(), tooLarge);
                fresh = fresh.minus(tooLarge);
            }
            for (UidSet batch : Batches.newestFirst(fresh, settings.batchSize(), sizes, Batches.MAX_BATCH_BYTES)) {
                List<FetchedMessage> messages = folder.fetch(batch);
                if (messages.isEmpty()) continue;
                Map<Long, Original> originals = new HashMap<>();
                Map<Long, TrainingOutcome> lines = new HashMap<>();
                UidSet.Builder uids = UidSet.builder();
                for (FetchedMessage m : messages) {
                    // A message filed with SpamAssassin's report around it is the original's sender's.
                    byte[] original = SpamAssassinReports.unwrap(m.raw());
                    Headline headline = Headline.of(original);
                    Optional<String> sender = SenderAddress.of(original);
                    if (sender.isPresent()) session.state().allowSender(session.account(), sender.get());
                    String outcome = sender.map(s -> "sender " + s + " allowed").orElse("no sender address to allow")
                            + ", moved to " + settings.returnTo();
                    lines.put(m.uid(), new TrainingOutcome(folder.name(), m.uid(), headline, outcome, sender.isEmpty()));
                    originals.put(m.uid(), Original.of(m).noting(ScanFlow.note(m.raw(),
                            sender.map(s -> "sender " + s + " joins the allow-list").orElse("no sender address to allow"))));
                    uids.add(m.uid());
                }
                runner.perform(folder, Purpose.ALLOW_SENDER, List.of(Action.move(uids.build(), settings.returnTo())), originals,
                        Map.of(), settings.scanFolders());
                for (FetchedMessage m : messages) session.listener().trainingOutcome(lines.get(m.uid()));
            }
        }
    }
}
