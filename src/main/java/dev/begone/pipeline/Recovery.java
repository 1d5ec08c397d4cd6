package dev.begone.pipeline;

import dev.begone.classify.SpamAssassinReports;
import java.io.IOException;

/** Finishes, before anything else, the journaled actions of a run that was killed or lost its connection. */
public final class Recovery {
    private Recovery() {}

    /** Returns how many unfinished actions were completed. */
    public static int run(Session session, boolean allowPlainExpunge) throws IOException {
        ActionRunner runner = new ActionRunner(session, allowPlainExpunge);
        return runner.recover(original -> ScanFlow.upload(original,
                session.classifier().process(SpamAssassinReports.unwrap(original.raw())).message()));
    }
}
