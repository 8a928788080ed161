package dev.sirocco.evals.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML (or JSON) value that remembers the file and line it came from, so every check on a suite
 * can point at the line that is wrong. {@link #toPlain()} drops the positions for values used as data.
 */
public sealed interface YamlNode {
    String source();

    int line();

    Object toPlain();

    /** A mapping; keys are kept in file order, each with the node of its key's line. */
    record Mapping(String source, int line, Map<String, YamlNode> entries, Map<String, Integer> keyLines)
            implements YamlNode {
        public YamlNode get(String key) {
            return entries.get(key);
        }

        public int keyLine(String key) {
            return keyLines.getOrDefault(key, line);
        }

        @Override
        public Object toPlain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, v) -> out.put(k, v.toPlain()));
            return out;
        }
    }

    record Sequence(String source, int line, List<YamlNode> items) implements YamlNode {
        @Override
        public Object toPlain() {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(v -> out.add(v.toPlain()));
            return out;
        }
    }

    /** A scalar: String, Long, Double, Boolean or null, typed as YAML's core schema resolves it. */
    record Scalar(String source, int line, Object value) implements YamlNode {
        @Override
        public Object toPlain() {
            return value;
        }
    }

    /** Wraps a value that came from somewhere without lines (a CSV cell), attributing it to one line. */
    static YamlNode fromPlain(Object value, String source, int line) {
        if (value instanceof Map<?, ?> map) {
            Map<String, YamlNode> entries = new LinkedHashMap<>();
            map.forEach((k, v) -> entries.put(String.valueOf(k), fromPlain(v, source, line)));
            return new Mapping(source, line, entries, Map.of());
        }
        if (value instanceof List<?> list) {
            List<YamlNode> items = new ArrayList<>();
            list.forEach(v -> items.add(fromPlain(v, source, line)));
            return new Sequence(source, line, items);
        }
        return new Scalar(source, line, value);
    }
}
