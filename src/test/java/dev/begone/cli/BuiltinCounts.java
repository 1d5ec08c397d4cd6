package dev.begone.cli;

import dev.begone.classify.Label;
import dev.begone.classify.builtin.BuiltinClassifier;
import dev.begone.classify.builtin.BuiltinOptions;
import dev.begone.state.StatePaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What a configured account's built-in model has learnt, as its saved file's own counts say. */
final class BuiltinCounts {
    private BuiltinCounts() {}

    /** {spam, ham} learnt by {@code account}'s model under the state directory {@code env} names; a model not saved yet has none. */
    static List<Long> of(Map<String, String> env, String account) throws Exception {
        Path model = StatePaths.defaults(env).modelFile(ConfiguredAccount.stateKey(account), "builtin");
        BuiltinClassifier c = BuiltinClassifier.load(model, BuiltinOptions.defaults());
        return List.of(c.learned(Label.SPAM), c.learned(Label.HAM));
    }
}
