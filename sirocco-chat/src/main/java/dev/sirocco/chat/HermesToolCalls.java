package dev.sirocco.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Qwen 2.5/3 and Hermes: each call is {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}, as the
 * templates' own instructions and assistant turns write it; content may come before, between and after calls.
 */
public final class HermesToolCalls extends ToolCallFormat {
    private static final String OPEN = "<tool_call>";
    private static final String CLOSE = "</tool_call>";
    private static final List<String> ARGUMENT_KEYS = List.of("arguments", "parameters");

    @Override
    public String name() {
        return "hermes";
    }

    @Override
    public String openText() {
        return OPEN + "\n";
    }

    @Override
    public String closeText() {
        return "\n" + CLOSE;
    }

    @Override
    public List<String> preservedTokens() {
        return List.of(OPEN, CLOSE);
    }

    @Override
    Step step(String text, int from, boolean end, boolean callPosition) {
        Step before = contentBefore(text, from, OPEN, end);
        if (before != null) {
            return before;
        }
        int json = from + OPEN.length();
        int extent = JsonExtent.scan(text, json);
        if (extent == JsonExtent.INCOMPLETE) {
            return end ? new Step.Text(text.length()) : NEED_MORE;
        }
        // Not a call after all: the marker is content, and reading goes on after it.
        Step notACall = new Step.Text(json);
        if (extent == JsonExtent.INVALID) {
            return notACall;
        }
        ToolCall call = callFromObject(parse(text, json, extent), ARGUMENT_KEYS);
        if (call == null) {
            return notACall;
        }
        int close = JsonExtent.skipWhitespace(text, extent);
        if (text.startsWith(CLOSE, close)) {
            return new Step.Calls(close + CLOSE.length(), List.of(call));
        }
        String rest = text.substring(close);
        if (CLOSE.startsWith(rest)) { // the close tag has not arrived yet, or the output ended before it
            return end ? new Step.Calls(text.length(), List.of(call)) : NEED_MORE;
        }
        return notACall;
    }
}
