package dev.begone.pipeline;

import dev.begone.classify.Label;
import dev.begone.classify.SpamAssassinReports;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finishes, before anything else, what a run that was killed or lost its connection left unfinished: the lessons
 * the classifier made durable but the state did not record, and the journaled actions.
 */
public final class Recovery {
    private Recovery() {}

    /** Returns how many unfinished actions were completed. */
    public static int run(Session session, boolean allowPlainExpunge) throws IOException {
        recordLessons(session);
        ActionRunner runner = new ActionRunner(session, allowPlainExpunge);
        return runner.recover(original -> ScanFlow.upload(original,
                session.classifier().process(SpamAssassinReports.unwrap(original.raw())).message()));
    }

    /**
     * Records the lessons of the classifier's last sync that the state lacks: a run killed between the built-in
     * model's save and the state's record. Otherwise the messages, still in their training folders, would be learnt
     * a second time. The state is read first, so a run after a clean one writes nothing.
     */
    private static void recordLessons(Session session) throws IOException {
        String classifier = session.classifier().name();
        Map<Label, List<String>> missing = new EnumMap<>(Label.class);
        for (Map.Entry<String, Label> l : session.classifier().lastSynced().entrySet()) {
            if (!session.state().learnedAs(session.account(), l.getKey(), classifier).equals(Optional.of(l.getValue()))) {
                missing.computeIfAbsent(l.getValue(), x -> new ArrayList<>()).add(l.getKey());
            }
        }
        for (Map.Entry<Label, List<String>> m : missing.entrySet()) {
            session.state().markLearned(session.account(), m.getValue(), classifier, m.getKey());
        }
    }
}
