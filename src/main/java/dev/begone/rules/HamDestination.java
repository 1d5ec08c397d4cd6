package dev.begone.rules;

import dev.begone.classify.Verdict;

/** Last: mail nothing else claimed goes where the routing stages sent it, or stays where it is. */
final class HamDestination implements Stage<Verdict> {
    @Override
    public Decision apply(Verdict v, Decision soFar) {
        return soFar.settle();
    }
}
