package dev.sirocco.evals.suite;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses YAML (JSON is a subset) into {@link YamlNode}s with 1-based line numbers, using SnakeYAML's node
 * graph rather than its object mapper, which would throw the positions away.
 */
public final class YamlReader {
    private YamlReader() {
    }

    /** Parses one document; an empty document is an empty mapping. */
    public static YamlNode parse(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50); // suites are small; refuse alias bombs
        try {
            Node root = new Yaml(options).compose(new StringReader(text));
            return root == null ? new YamlNode.Mapping(source, 1, Map.of(), Map.of()) : convert(root, source);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new SuiteException(source, line, "not valid YAML: " + firstLine(e.getProblem()));
        } catch (YAMLException e) {
            throw new SuiteException(source, 0, "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static YamlNode convert(Node node, String source) {
        int line = node.getStartMark().getLine() + 1;
        return switch (node) {
            case MappingNode m -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    Node k = t.getKeyNode();
                    if (!(k instanceof ScalarNode key)) {
                        throw new SuiteException(source, k.getStartMark().getLine() + 1, "mapping keys must be plain strings");
                    }
                    if (key.getTag().equals(Tag.MERGE)) {
                        throw new SuiteException(source, k.getStartMark().getLine() + 1, "YAML merge keys (<<) are not supported");
                    }
                    entries.put(key.getValue(), convert(t.getValueNode(), source));
                    keyLines.put(key.getValue(), k.getStartMark().getLine() + 1);
                }
                yield new YamlNode.Mapping(source, line, entries, keyLines);
            }
            case SequenceNode s -> {
                List<YamlNode> items = new ArrayList<>();
                for (Node item : s.getValue()) {
                    items.add(convert(item, source));
                }
                yield new YamlNode.Sequence(source, line, items);
            }
            case ScalarNode s -> new YamlNode.Scalar(source, line, scalar(s, source, line));
            default -> throw new SuiteException(source, line, "unsupported YAML node " + node.getNodeId());
        };
    }

    private static Object scalar(ScalarNode s, String source, int line) {
        Tag tag = s.getTag();
        String v = s.getValue();
        try {
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                return switch (v.toLowerCase()) {
                    case "true", "yes", "on", "y" -> Boolean.TRUE;
                    default -> Boolean.FALSE;
                };
            }
            if (tag.equals(Tag.INT)) {
                return Long.decode(v.replace("_", "").replaceFirst("^([+-]?)0o", "$10"));
            }
            if (tag.equals(Tag.FLOAT)) {
                String f = v.replace("_", "").toLowerCase();
                return switch (f) {
                    case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
                    case "-.inf" -> Double.NEGATIVE_INFINITY;
                    case ".nan" -> Double.NaN;
                    default -> Double.parseDouble(f);
                };
            }
        } catch (NumberFormatException e) {
            throw new SuiteException(source, line, "number '" + v + "' is out of range");
        }
        return v;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
