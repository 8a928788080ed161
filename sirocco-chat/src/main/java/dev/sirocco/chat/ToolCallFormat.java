package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one model family writes tool calls in its output, told apart by its chat template: Mistral's
 * {@code [TOOL_CALLS]} ({@link MistralToolCalls}), Llama 3.1's bare JSON and {@code <|python_tag|>}
 * ({@link Llama3ToolCalls}), Qwen 2.5/3's and Hermes' {@code <tool_call>} JSON ({@link HermesToolCalls}), Qwen3-Coder's
 * and Qwen 3.5's {@code <tool_call><function=...>} ({@link QwenXmlToolCalls}).
 *
 * <p>A format knows the literal text that opens and closes a call ({@link #openText()}, {@link #closeText()}), the
 * JSON shape of one call ({@link #callSchema}), the special tokens a generation must print for the call to be seen
 * ({@link #preservedTokens()}), and reads model output into content and calls, whole or as it streams
 * ({@link ToolCallStream}).
 */
public abstract sealed class ToolCallFormat permits MistralToolCalls, Llama3ToolCalls, HermesToolCalls, QwenXmlToolCalls {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The family's name, for logs and errors. */
    public abstract String name();

    /**
     * The text a call starts with, as the family's template renders an assistant's call: the lead-in a decoder emits
     * before the call's JSON. Empty for Llama 3.1, whose custom-tool call is the bare JSON object.
     */
    public abstract String openText();

    /** The text that ends a call after its JSON; empty where the JSON's end (then end of turn) closes it. */
    public abstract String closeText();

    /**
     * Whether the JSON between {@link #openText()} and {@link #closeText()} is an array of calls (Mistral) rather
     * than one call object (several calls then repeat open and close text).
     */
    public boolean payloadIsArray() {
        return false;
    }

    /** The key that holds a call's arguments in its JSON ("arguments", or "parameters" for Llama 3.1). */
    public String argumentsKey() {
        return "arguments";
    }

    /**
     * The JSON schema of one call object to any of {@code tools} (OpenAI shape {@code {"type": "function",
     * "function": {"name", "parameters"}}}): {@code {"name": <one of the names>, <argumentsKey>: <its parameters>}}.
     */
    public Map<String, Object> callSchema(List<Map<String, Object>> tools) {
        List<Object> alternatives = new ArrayList<>();
        for (Map<String, Object> tool : tools) {
            Object fn = tool.get("function");
            if (!(fn instanceof Map<?, ?> function)) {
                continue;
            }
            Object parameters = function.get("parameters");
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("name", Map.of("const", String.valueOf(function.get("name"))));
            properties.put(argumentsKey(), parameters == null ? Map.of("type", "object") : parameters);
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("type", "object");
            call.put("properties", properties);
            call.put("required", List.of("name", argumentsKey()));
            alternatives.add(call);
        }
        return alternatives.size() == 1 ? castMap(alternatives.getFirst()) : Map.of("anyOf", alternatives);
    }

    /** This format for a request's tools (OpenAI shape), where reading calls depends on their schemas. */
    public ToolCallFormat forTools(List<Map<String, Object>> tools) {
        return this;
    }

    /**
     * Control tokens that carry the call syntax; a generation that prints only ordinary tokens (llama.cpp's default
     * detokenization) drops them, so the server prints these when tools are on (as llama.cpp's preserved tokens).
     */
    public abstract List<String> preservedTokens();

    /** The format a chat template uses, or null when the template renders no tool calls this package can read. */
    public static ToolCallFormat detect(String templateSource) {
        if (templateSource == null) {
            return null;
        }
        if (templateSource.contains("[TOOL_CALLS]")) {
            return new MistralToolCalls();
        }
        if (templateSource.contains("<tool_call>") && templateSource.contains("<function=")) {
            return new QwenXmlToolCalls();
        }
        // Apriel mentions <tool_call> but writes a <tool_calls>[...] list: a format not read here.
        if (templateSource.contains("<tool_call>") && !templateSource.contains("<tool_calls>")) {
            return new HermesToolCalls();
        }
        if (templateSource.contains("<|python_tag|>") || templateSource.contains("<|start_header_id|>ipython")
                || (templateSource.contains("<|start_header_id|>") && templateSource.contains("\"parameters\": "))) {
            return new Llama3ToolCalls();
        }
        return null;
    }

    /** What {@link #step} found at a position of the output. */
    sealed interface Step {
        /** More text is needed to decide. */
        record NeedMore() implements Step {
        }

        /** {@code text[from, end)} is content. */
        record Text(int end) implements Step {
        }

        /** {@code text[from, end)} holds these calls (ids as the model wrote them, possibly null). */
        record Calls(int end, List<ToolCall> calls) implements Step {
        }
    }

    static final Step NEED_MORE = new Step.NeedMore();

    /**
     * Reads the output at {@code from}. With {@code end} false more text may follow, so an unfinished call or the
     * start of an open marker gives {@link Step.NeedMore}; with {@code end} true it never does, and what cannot be a
     * call is content. {@code callPosition}: only calls (or nothing) came before {@code from}.
     */
    abstract Step step(String text, int from, boolean end, boolean callPosition);

    /**
     * Content up to the next {@code marker}: its index when found at {@code from} is handled by the caller (returns
     * null); otherwise content up to the marker, or up to the point where the text's tail could still become the
     * marker.
     */
    static Step contentBefore(String text, int from, String marker, boolean end) {
        int i = text.indexOf(marker, from);
        if (i == from) {
            return null;
        }
        if (i > from) {
            return new Step.Text(i);
        }
        int stop = end ? text.length() : text.length() - partialSuffix(text, from, marker);
        return stop > from ? new Step.Text(stop) : NEED_MORE;
    }

    /** The length of the longest tail of {@code text[from..]} that is a proper start of {@code marker}. */
    static int partialSuffix(String text, int from, String marker) {
        int max = Math.min(marker.length() - 1, text.length() - from);
        for (int n = max; n > 0; n--) {
            if (text.regionMatches(text.length() - n, marker, 0, n)) {
                return n;
            }
        }
        return 0;
    }

    /**
     * One call from a JSON object {@code {"name": string, <argument key>: object or string}}; null when the object
     * has another shape. A string argument is kept as the model wrote it (some models quote their arguments).
     */
    static ToolCall callFromObject(JsonNode node, List<String> argumentKeys) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            return null;
        }
        JsonNode args = null;
        for (String key : argumentKeys) {
            if (node.has(key)) {
                args = node.get(key);
                break;
            }
        }
        String argumentsJson;
        if (args == null) {
            argumentsJson = "{}";
        } else if (args.isObject()) {
            argumentsJson = args.toString();
        } else if (args.isTextual()) {
            argumentsJson = args.asText();
        } else {
            return null;
        }
        JsonNode id = node.get("id");
        return new ToolCall(id != null && id.isTextual() ? id.asText() : null, name.asText(), argumentsJson);
    }

    static JsonNode parse(String text, int from, int to) {
        try {
            return JSON.readTree(text.substring(from, to));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Override
    public String toString() {
        return name();
    }
}
