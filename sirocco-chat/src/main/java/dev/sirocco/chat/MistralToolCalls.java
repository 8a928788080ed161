package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Mistral: {@code [TOOL_CALLS]} followed by a JSON array of {@code {"name", "arguments", "id"}} objects (Mistral 7B
 * v0.3, Nemo, Large 2, as their templates render an assistant's calls), or by {@code name[ARGS]{...}} (the v11
 * tokenizer's form, Mistral Small 3.2 and later), repeated per call. The end of turn closes the calls.
 */
public final class MistralToolCalls extends ToolCallFormat {
    private static final String OPEN = "[TOOL_CALLS]";
    private static final String ARGS = "[ARGS]";
    private static final List<String> ARGUMENT_KEYS = List.of("arguments");

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    public String openText() {
        return OPEN;
    }

    @Override
    public String closeText() {
        return "";
    }

    @Override
    public boolean payloadIsArray() {
        return true;
    }

    @Override
    public List<String> preservedTokens() {
        return List.of(OPEN, ARGS, "[CALL_ID]");
    }

    @Override
    Step step(String text, int from, boolean end, boolean callPosition) {
        Step before = contentBefore(text, from, OPEN, end);
        if (before != null) {
            return before;
        }
        int after = from + OPEN.length();
        int start = JsonExtent.skipWhitespace(text, after);
        if (start == text.length()) {
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        Step notACall = new Step.Text(after);
        if (text.charAt(start) == '[') {
            int extent = JsonExtent.scan(text, start);
            if (extent == JsonExtent.INCOMPLETE) {
                return end ? new Step.Text(text.length()) : NEED_MORE;
            }
            if (extent == JsonExtent.INVALID) {
                return notACall;
            }
            JsonNode array = parse(text, start, extent);
            if (array == null || !array.isArray() || array.isEmpty()) {
                return notACall;
            }
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode element : array) {
                ToolCall call = callFromObject(element, ARGUMENT_KEYS);
                if (call == null) {
                    return notACall;
                }
                calls.add(call);
            }
            return new Step.Calls(extent, calls);
        }
        return namedCall(text, start, end, notACall);
    }

    /** The v11 form: a function name, {@code [ARGS]}, then the arguments object. */
    private static Step namedCall(String text, int start, boolean end, Step notACall) {
        int i = start;
        while (i < text.length() && isNameChar(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            return notACall;
        }
        if (!text.startsWith(ARGS, i)) {
            boolean mayStillCome = i == text.length() || ARGS.startsWith(text.substring(i));
            return mayStillCome && !end ? NEED_MORE : notACall;
        }
        int json = i + ARGS.length();
        int extent = JsonExtent.scan(text, json);
        if (extent == JsonExtent.INCOMPLETE) {
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        if (extent == JsonExtent.INVALID) {
            return notACall;
        }
        JsonNode args = parse(text, json, extent);
        if (args == null || !args.isObject()) {
            return notACall;
        }
        return new Step.Calls(extent, List.of(new ToolCall(null, text.substring(start, i), args.toString())));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }
}
