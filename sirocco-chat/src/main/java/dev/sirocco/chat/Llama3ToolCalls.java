package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Llama 3.1/3.2/3.3: a custom-tool call is the whole answer, a JSON object {@code {"name": ..., "parameters": {...}}}
 * (the template's instruction and its rendering of an assistant's call); built-in tools are called after
 * {@code <|python_tag|>}, as {@code name.call(key="value", ...)} or the same JSON object.
 */
public final class Llama3ToolCalls extends ToolCallFormat {
    private static final String PYTHON_TAG = "<|python_tag|>";
    private static final List<String> ARGUMENT_KEYS = List.of("parameters", "arguments");
    private static final Pattern BUILTIN = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\.call\\((.*)\\)\\s*", Pattern.DOTALL);
    private static final Pattern BUILTIN_ARG = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)");

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public String openText() {
        return "";
    }

    @Override
    public String closeText() {
        return "";
    }

    @Override
    public String argumentsKey() {
        return "parameters";
    }

    @Override
    public List<String> preservedTokens() {
        return List.of(PYTHON_TAG);
    }

    @Override
    Step step(String text, int from, boolean end, boolean callPosition) {
        if (callPosition) {
            int start = from;
            while (start < text.length() && (JsonExtent.isJsonWhitespace(text.charAt(start)) || (from > 0 && text.charAt(start) == ';'))) {
                start++;
            }
            if (start == text.length()) {
                return end ? new Step.Text(text.length()) : NEED_MORE;
            }
            if (text.charAt(start) == '{') {
                return jsonCall(text, start, end, new Step.Text(start + 1));
            }
        }
        Step before = contentBefore(text, from, PYTHON_TAG, end);
        if (before != null) {
            return before;
        }
        int after = from + PYTHON_TAG.length();
        int start = JsonExtent.skipWhitespace(text, after);
        if (start == text.length()) {
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        Step notACall = new Step.Text(after);
        if (text.charAt(start) == '{') {
            return jsonCall(text, start, end, notACall);
        }
        // A built-in call runs to the end of the turn (<|eom_id|>): it can only be read once the output is complete.
        if (!end) {
            return NEED_MORE;
        }
        ToolCall builtin = builtinCall(text.substring(start));
        return builtin == null ? notACall : new Step.Calls(text.length(), List.of(builtin));
    }

    private static Step jsonCall(String text, int start, boolean end, Step notACall) {
        int extent = JsonExtent.scan(text, start);
        if (extent == JsonExtent.INCOMPLETE) {
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        if (extent == JsonExtent.INVALID) {
            return notACall;
        }
        JsonNode node = parse(text, start, extent);
        if (node != null && node.has("type") && !"function".equals(node.get("type").asText())) {
            node = null;
        }
        ToolCall call = callFromObject(node, ARGUMENT_KEYS);
        // A JSON answer that is no call is content, all of it.
        return call == null ? new Step.Text(extent) : new Step.Calls(extent, List.of(call));
    }

    /** {@code brave_search.call(query="...")}: string arguments only, as the template renders built-in calls. */
    static ToolCall builtinCall(String s) {
        Matcher m = BUILTIN.matcher(s);
        if (!m.matches()) {
            return null;
        }
        ObjectNode args = JSON.createObjectNode();
        String rest = m.group(2);
        Matcher a = BUILTIN_ARG.matcher(rest);
        int at = 0;
        while (at < rest.length()) {
            if (!a.find(at) || a.start() != at) {
                return rest.substring(at).isBlank() ? new ToolCall(null, m.group(1), args.toString()) : null;
            }
            args.put(a.group(1), a.group(2).replaceAll("\\\\(.)", "$1"));
            at = a.end();
        }
        return new ToolCall(null, m.group(1), args.toString());
    }
}
