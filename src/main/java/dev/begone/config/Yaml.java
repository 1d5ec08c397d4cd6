package dev.begone.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The YAML file as positioned values. Every reading method either returns a well-typed value or throws a
 * {@link ConfigException} at the node it concerns, so the binder above never handles a position itself.
 */
final class Yaml {
    private Yaml() {}

    /** The file's single document; an empty file is an empty mapping. */
    static Value parse(String file, String text) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setMaxAliasesForCollections(20).build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) throw new ConfigException(file, 0, 0, "", "the file is empty (expected accounts:)");
            return new Value(file, "", root.get(), null);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
            String context = "";
            if (e.getContext() != null) {
                Mark c = e.getContextMark().orElse(null);
                // The problem is often found far below where its cause (an unclosed bracket) began.
                boolean elsewhere = c != null && m != null && c.getLine() != m.getLine();
                context = e.getContext() + (elsewhere ? " that starts on line " + (c.getLine() + 1) : "") + ", ";
            }
            throw new ConfigException(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1, "",
                    "not valid YAML: " + context + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException(file, 0, 0, "", "not valid YAML: " + e.getMessage());
        }
    }

    /**
     * One value and where it was written.
     *
     * @param path     its key path for messages, e.g. {@code accounts[0].imap.port}
     * @param fallback for a mapping inherited key by key (an account's {@code imap:} over {@code defaults:}), the
     *                 mapping it falls back to; null otherwise
     */
    record Value(String file, String path, Node node, Value fallback) {

        ConfigException error(String expected) {
            return error(node, path, expected);
        }

        ConfigException error(Node at, String key, String expected) {
            Mark m = at.getStartMark().orElse(null);
            return new ConfigException(file, m == null ? 0 : m.getLine() + 1, m == null ? 0 : m.getColumn() + 1, key, expected);
        }

        int line() {
            return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        }

        boolean isNull() {
            return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
        }

        boolean isScalar() {
            return node instanceof ScalarNode && !isNull();
        }

        boolean isMapping() {
            return node instanceof MappingNode;
        }

        /** Any non-null scalar as written: a folder named {@code 2024} or {@code no} is a string here. */
        String text() throws ConfigException {
            if (!isScalar()) throw error("expected a string, got " + kind());
            return ((ScalarNode) node).getValue();
        }

        /** A string that is not empty and has no surrounding white space. */
        String word() throws ConfigException {
            String s = text();
            if (s.isBlank()) throw error("expected a non-empty string");
            if (!s.equals(s.strip())) throw error("expected no white space around '" + s.strip() + "'");
            return s;
        }

        long integer(long min, long max) throws ConfigException {
            String what = "expected a whole number from " + min + " to " + max;
            if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) throw error(what + ", got " + kind());
            BigInteger v;
            try {
                v = parseInt(s.getValue());
            } catch (NumberFormatException e) {
                throw error(what + ", got " + s.getValue());
            }
            if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
                throw error(what + ", got " + s.getValue());
            }
            return v.longValue();
        }

        double number() throws ConfigException {
            if (node instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
                try {
                    double d = s.getTag().equals(Tag.INT) ? parseInt(s.getValue()).doubleValue() : Double.parseDouble(s.getValue());
                    if (Double.isFinite(d)) return d;
                } catch (NumberFormatException e) {
                    // reported below, with the text as written
                }
                throw error("expected a finite number, got " + s.getValue());
            }
            throw error("expected a number, got " + kind());
        }

        boolean bool() throws ConfigException {
            if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) return Boolean.parseBoolean(s.getValue().toLowerCase());
            throw error("expected true or false, got " + kind());
        }

        /** One of {@code words}, exactly as spelled there. */
        String oneOf(String... words) throws ConfigException {
            String what = "expected one of " + String.join(", ", words);
            if (!isScalar()) throw error(what + ", got " + kind());
            String s = ((ScalarNode) node).getValue();
            for (String w : words) if (w.equals(s)) return s;
            throw error(what + ", got '" + s + "'");
        }

        /** The text parsed by {@code parse}, whose IllegalArgumentException message says what was expected. */
        <T> T parsed(Function<String, T> parse) throws ConfigException {
            String s = text();
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        List<Value> list() throws ConfigException {
            if (!(node instanceof SequenceNode seq)) throw error("expected a list, got " + kind());
            List<Value> out = new ArrayList<>();
            for (Node n : seq.getValue()) out.add(new Value(file, path + "[" + out.size() + "]", n, null));
            return out;
        }

        /** A list, or a single value standing for a list of one (as in {@code scan: INBOX}). */
        List<Value> listOrOne() throws ConfigException {
            return node instanceof SequenceNode ? list() : List.of(this);
        }

        Mapping mapping() throws ConfigException {
            if (!(node instanceof MappingNode)) throw error("expected a mapping (key: value), got " + kind());
            Mapping under = fallback != null && fallback.isMapping() ? fallback.mapping() : null;
            return new Mapping(this, under, Set.of());
        }

        String kind() {
            if (node instanceof MappingNode) return "a mapping";
            if (node instanceof SequenceNode) return "a list";
            if (isNull()) return "nothing";
            Tag t = node.getTag();
            if (t.equals(Tag.INT) || t.equals(Tag.FLOAT)) return "the number " + ((ScalarNode) node).getValue();
            if (t.equals(Tag.BOOL)) return ((ScalarNode) node).getValue();
            return "the string '" + ((ScalarNode) node).getValue() + "'";
        }

        private static BigInteger parseInt(String s) {
            String t = s.replace("_", "");
            boolean negative = t.startsWith("-");
            if (t.startsWith("-") || t.startsWith("+")) t = t.substring(1);
            BigInteger v = t.startsWith("0x") ? new BigInteger(t.substring(2), 16)
                    : t.startsWith("0o") ? new BigInteger(t.substring(2), 8)
                    : new BigInteger(t);
            return negative ? v.negate() : v;
        }
    }

    /**
     * A mapping being read: {@link #keys} declares what it may hold and rejects any other key at once, so a
     * misspelt key is reported as such rather than as the key it was meant to be being missing.
     */
    static final class Mapping {
        private final Value self;
        private final Map<String, Value> entries = new LinkedHashMap<>();
        private final Map<String, Node> keyNodes = new HashMap<>();
        private Set<String> known;

        /**
         * @param under     the mapping this one inherits from (key by key), or null
         * @param mergeable keys whose mapping values are themselves inherited key by key from {@code under}
         */
        Mapping(Value self, Mapping under, Set<String> mergeable) throws ConfigException {
            this.self = self;
            for (NodeTuple t : ((MappingNode) self.node()).getValue()) {
                Node k = t.getKeyNode();
                if (!(k instanceof ScalarNode ks) || ks.getTag().equals(Tag.NULL)) {
                    throw self.error(k, self.path(), "expected a plain key, got " + new Value(self.file(), "", k, null).kind());
                }
                String key = ks.getValue();
                String path = self.path().isEmpty() ? key : self.path() + "." + key;
                if (entries.containsKey(key)) {
                    throw self.error(k, path, "expected each key once; it is also on line "
                            + keyNodes.get(key).getStartMark().map(m -> m.getLine() + 1).orElse(0));
                }
                Value inherited = under != null && mergeable.contains(key) ? under.entries.get(key) : null;
                entries.put(key, new Value(self.file(), path, t.getValueNode(), inherited));
                keyNodes.put(key, k);
            }
            if (under != null) {
                for (Map.Entry<String, Value> e : under.entries.entrySet()) {
                    if (entries.putIfAbsent(e.getKey(), e.getValue()) == null) keyNodes.put(e.getKey(), under.keyNodes.get(e.getKey()));
                }
            }
        }

        /** Declares the keys this mapping may hold; the first other key is an error. */
        Mapping keys(String... keys) throws ConfigException {
            known = new LinkedHashSet<>(List.of(keys));
            for (Map.Entry<String, Value> e : entries.entrySet()) {
                if (!known.contains(e.getKey())) {
                    Value v = e.getValue();
                    throw v.error(keyNodes.get(e.getKey()), v.path(), "unknown key (expected one of: " + String.join(", ", keys) + ")");
                }
            }
            return this;
        }

        Optional<Value> get(String key) {
            if (known == null || !known.contains(key)) throw new IllegalStateException("key '" + key + "' was not declared");
            return Optional.ofNullable(entries.get(key));
        }

        /** @param what what the key holds, for the message when it is missing */
        Value require(String key, String what) throws ConfigException {
            Optional<Value> v = get(key);
            if (v.isEmpty()) {
                throw self.error(self.node(), self.path().isEmpty() ? key : self.path() + "." + key, "missing (expected " + what + ")");
            }
            return v.get();
        }
    }
}
