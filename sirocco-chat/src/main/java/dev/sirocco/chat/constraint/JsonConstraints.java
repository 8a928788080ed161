package dev.sirocco.chat.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sirocco.engine.runtime.constraint.ByteMatcher;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoding constraints for JSON outputs: {@code response_format} json_object and json_schema, and tool calls in a
 * model family's syntax (literal text around a JSON object naming the tool and its arguments). Outputs are compact
 * JSON with properties in schema order; see {@link SchemaCompiler} for the supported keywords.
 */
public final class JsonConstraints {
    private JsonConstraints() {
    }

    /** A tool the model may call: its name and the JSON schema of its arguments (null: any object). */
    public record Tool(String name, JsonNode parameters) {
    }

    /** Any JSON object ({@code response_format: {"type": "json_object"}}). */
    public static OutputConstraint jsonObject() {
        SchemaCompiler c = new SchemaCompiler();
        return grammar(c, c.sequence("", c.anyObject(), ""));
    }

    /**
     * A JSON value valid against {@code schema}.
     *
     * @param path where the schema sits in the request, prefixed to error paths (e.g. {@code response_format.json_schema.schema})
     * @throws SchemaException for a keyword this compiler does not support or a schema no value satisfies
     */
    public static OutputConstraint jsonSchema(JsonNode schema, String path) {
        return wrapped("", schema, path, "");
    }

    /** {@code prefix}, then a JSON value valid against {@code schema}, then {@code suffix}. */
    public static OutputConstraint wrapped(String prefix, JsonNode schema, String path, String suffix) {
        SchemaCompiler c = new SchemaCompiler();
        int value = c.compileDocument(schema, path);
        return grammar(c, c.sequence(prefix, value, suffix));
    }

    /**
     * A call of one of {@code tools}: {@code prefix}, then {@code {"name":<one of the names>,"arguments":<that tool's
     * parameters>}}, then {@code suffix} (for Hermes-style models {@code "<tool_call>\n"} and {@code "\n</tool_call>"}).
     * Errors in a tool's schema name it as {@code tools.<i>.function.parameters...}.
     */
    public static OutputConstraint toolCall(String prefix, List<Tool> tools, String suffix) {
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("a tool call needs at least one tool");
        }
        SchemaCompiler c = new SchemaCompiler();
        List<Integer> calls = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Tool t = tools.get(i);
            String at = "tools." + i + ".function";
            int name = c.literals(at + ".name", List.of(JsonNodeFactory.instance.textNode(t.name())));
            JsonNode params = t.parameters() == null ? JsonNodeFactory.instance.objectNode().put("type", "object") : t.parameters();
            int arguments = c.compileDocument(params, at + ".parameters");
            calls.add(c.object(at, List.of("name", "arguments"), List.of(name, arguments)));
        }
        int value = calls.size() == 1 ? calls.getFirst() : c.union("tools", calls.stream().mapToInt(Integer::intValue).toArray());
        return grammar(c, c.sequence(prefix, value, suffix));
    }

    private static OutputConstraint grammar(SchemaCompiler c, int root) {
        return new JsonGrammar(c.finish(), root);
    }

    /** A compiled grammar: starts a fresh matcher for every sequence. */
    private record JsonGrammar(GrammarNode[] nodes, int root) implements OutputConstraint {
        @Override
        public ByteMatcher start() {
            return new JsonMatcher(nodes, root);
        }
    }
}
