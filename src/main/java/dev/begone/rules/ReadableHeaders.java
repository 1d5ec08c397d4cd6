package dev.begone.rules;

/**
 * A header block with no readable field at all is left where it is, with the reason: there is nothing to route on,
 * and a message that broken is better seen by its owner than judged. Lesser damage is noted and judging goes on.
 */
final class ReadableHeaders implements Stage<Incoming> {
    @Override
    public Decision apply(Incoming in, Decision soFar) {
        MessageHeaders h = in.headers();
        if (h.size() == 0) {
            String problem = h.problems().isEmpty() ? "no header field" : "no header field; " + h.problems().get(0);
            return soFar.decide(Target.KEEP, new Reason.MalformedHeaders(problem));
        }
        if (h.problems().isEmpty()) return soFar;
        int more = h.problems().size() - 1;
        return soFar.because(new Reason.MalformedHeaders(h.problems().get(0) + (more > 0 ? " (and " + more + " more)" : "")));
    }
}
