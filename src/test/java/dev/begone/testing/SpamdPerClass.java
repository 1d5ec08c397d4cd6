package dev.begone.testing;

import java.io.IOException;

/**
 * One spamd for all the tests of a class ({@code @RegisterExtension static SpamdPerClass spamd = ...}): starting it
 * takes seconds, and the tests keep their own Bayes out of it. Skips the class where spamd is not installed.
 */
public final class SpamdPerClass extends ServerPerClass<Spamd> {
    public SpamdPerClass() {
        super(Spamd::start);
    }

    public int port() {
        return get().port();
    }

    /** What spamd's Bayes has learned: {spam, ham} (see {@link Spamd#learns()}). */
    public long[] learns() throws IOException, InterruptedException {
        return get().learns();
    }
}
