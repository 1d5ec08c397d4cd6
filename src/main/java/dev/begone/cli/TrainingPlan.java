package dev.begone.cli;

import dev.begone.classify.Label;
import dev.begone.config.AccountConfig;
import dev.begone.config.Training;
import dev.begone.pipeline.AccountRun;
import dev.begone.pipeline.AllowSenderSettings;
import dev.begone.pipeline.FromMovesSettings;
import dev.begone.pipeline.LearnSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An account's {@code training:} as the engine's settings: training folders, whitelist folders, where mail goes. */
final class TrainingPlan {
    /** What --flag and --learnthenflag set in isbg; {@code after: flag} sets the same. */
    private static final String FLAGGED = "\\Flagged";
    /** Where mail goes back to when no folder is scanned (a configuration that scans nothing). */
    private static final String INBOX = "INBOX";

    private TrainingPlan() {}

    /**
     * Refuses training folders that would go round in circles: one listed twice (under learn-spam and learn-ham, say),
     * one that is scanned, or one training moves messages to (they would be learnt again on every run).
     */
    static void check(AccountConfig a) {
        Training t = a.training();
        Map<String, String> role = new HashMap<>();
        for (String f : t.learnSpam()) claim(role, f, "learn-spam");
        for (String f : t.learnHam()) claim(role, f, "learn-ham");
        for (String f : t.allowSender()) claim(role, f, "allow-sender");
        for (String f : t.allowSender()) {
            if (a.folders().scan().contains(f)) {
                throw ExitException.badArguments("allow-sender folder " + f + " is also scanned: a training folder must be a folder of its own");
            }
        }
        for (String f : destinations(a)) {
            if (role.containsKey(f)) {
                throw ExitException.badArguments(role.get(f) + " folder " + f + " is also where training moves messages to: "
                        + "they would be handled again on every run");
            }
        }
    }

    private static void claim(Map<String, String> role, String folder, String key) {
        String earlier = role.putIfAbsent(folder, key);
        if (earlier != null) {
            throw ExitException.badArguments("training folder " + folder + " is listed under both " + earlier + " and " + key);
        }
    }

    /** The folders training moves messages to. */
    private static List<String> destinations(AccountConfig a) {
        Training t = a.training();
        List<String> out = new ArrayList<>();
        if (t.after() instanceof Training.After.Move m) {
            m.spam().ifPresent(out::add);
            m.ham().ifPresent(out::add);
        }
        t.errors().ifPresent(out::add);
        t.undecodable().ifPresent(out::add);
        if (!t.allowSender().isEmpty()) out.add(returnTo(a));
        return out;
    }

    /** Learning from each training folder, spam first; {@code after: delete} moves to {@code trash}. */
    static List<LearnSettings> learn(AccountConfig a, String trash) {
        Training t = a.training();
        List<LearnSettings> learn = new ArrayList<>();
        for (String f : t.learnSpam()) learn.add(learnSettings(a, f, Label.SPAM, after(t.after(), Label.SPAM, trash)));
        for (String f : t.learnHam()) learn.add(learnSettings(a, f, Label.HAM, after(t.after(), Label.HAM, trash)));
        return learn;
    }

    private static LearnSettings learnSettings(AccountConfig a, String folder, Label label, LearnSettings.After after) {
        Training t = a.training();
        return LearnSettings.builder(folder, label).after(after).expunge(true).partialRun(a.limits().partialRun())
                .errors(t.errors().orElse(null)).undecodable(t.undecodableFolder().orElse(null))
                .scanFolders(Set.copyOf(a.folders().scan())).build();
    }

    /** {@code after: delete} moves to the account's trash folder, where the user can still take the message back. */
    private static LearnSettings.After after(Training.After after, Label label, String trash) {
        return switch (after) {
            case Training.After.Stay s -> new LearnSettings.After.Stay();
            case Training.After.Move m -> (label == Label.SPAM ? m.spam() : m.ham())
                    .<LearnSettings.After>map(LearnSettings.After.Move::new).orElse(new LearnSettings.After.Stay());
            case Training.After.Delete d -> new LearnSettings.After.Move(trash);
            case Training.After.Flag f -> new LearnSettings.After.Flag(Set.of(FLAGGED));
        };
    }

    /** Each whitelist folder, its messages going back to {@code allow-sender-to:}. */
    static List<AllowSenderSettings> allowSenders(AccountConfig a) {
        List<AllowSenderSettings> out = new ArrayList<>();
        for (String f : a.training().allowSender()) {
            out.add(new AllowSenderSettings(f, returnTo(a), Set.copyOf(a.folders().scan()), a.limits().partialRun()));
        }
        return out;
    }

    /** Where a whitelisted message goes back to: {@code allow-sender-to:}, else the first folder scanned, where new mail is read. */
    private static String returnTo(AccountConfig a) {
        List<String> scan = a.folders().scan();
        return a.training().allowSenderTo().orElse(scan.isEmpty() ? INBOX : scan.get(0));
    }

    /**
     * Learning from the user's moves into and out of {@code spam}, when {@code from-moves:} asks for it: a filed spam
     * moved to the trash was thrown away, and one moved into a training folder is training's business.
     */
    static FromMovesSettings fromMoves(AccountConfig a, String spam, String trash) {
        if (!a.training().fromMoves()) return null;
        Set<String> notHam = new LinkedHashSet<>(destinations(a));
        if (trash != null) notHam.add(trash);
        Training t = a.training();
        notHam.addAll(t.learnSpam());
        notHam.addAll(t.learnHam());
        notHam.addAll(t.allowSender());
        // A whitelisted message goes back where mail is read: found there, it was judged ham after all.
        if (!t.allowSender().isEmpty()) notHam.remove(returnTo(a));
        return new FromMovesSettings(spam, notHam, Set.copyOf(a.folders().scan()));
    }

    /** The folders training reads or fills: created when missing, as {@code config check} says. */
    static Set<String> foldersToCreate(AccountRun.Plan plan) {
        Set<String> folders = new LinkedHashSet<>();
        for (LearnSettings l : plan.learn()) {
            folders.add(l.folder());
            if (l.after() instanceof LearnSettings.After.Move m) folders.add(m.folder());
            if (l.errors() != null) folders.add(l.errors());
            if (l.undecodable() != null) folders.add(l.undecodable());
        }
        for (AllowSenderSettings s : plan.allowSenders()) {
            folders.add(s.folder());
            folders.add(s.returnTo());
        }
        return folders;
    }
}
