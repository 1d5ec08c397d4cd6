package dev.begone.rules;

import java.util.Set;

/** {@code no-spam-check}: routing to one of these folders decides at once; routing elsewhere leaves the verdict to come. */
record NoSpamCheck(Set<String> folders) {
    NoSpamCheck {
        folders = Set.copyOf(folders);
    }

    Decision route(Decision soFar, String folder, Reason why) {
        Target.Folder to = new Target.Folder(folder);
        return folders.contains(folder) ? soFar.decide(to, why, new Reason.NotSpamChecked(folder)) : soFar.route(to, why);
    }
}
