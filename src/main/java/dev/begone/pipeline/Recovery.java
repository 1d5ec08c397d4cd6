package dev.begone.pipeline;

import dev.begone.classify.Classifier;
import dev.begone.classify.SpamAssassinReports;
import dev.begone.imap.MailStore;
import dev.begone.state.StateStore;
import java.io.IOException;

/** Finishes, before anything else, the journaled actions of a run that was killed or lost its connection. */
public final class Recovery {
    private Recovery() {}

    /** Returns how many unfinished actions were completed. */
    public static int run(MailStore store, StateStore state, String account, Classifier classifier, boolean allowPlainExpunge,
            PipelineListener listener) throws IOException {
        ActionRunner runner = new ActionRunner(store, state, account, allowPlainExpunge, listener);
        return runner.recover(original -> ScanFlow.upload(original,
                classifier.process(SpamAssassinReports.unwrap(original.raw())).message()));
    }
}
