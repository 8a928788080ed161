package dev.sirocco.evals.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.evals.providers.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a rendered prompt into chat messages as promptfoo does: text that parses as a JSON array of
 * {@code {role, content}} objects is a conversation; anything else is one user message.
 */
final class PromptMessages {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private PromptMessages() {
    }

    /**
     * The template's messages when the template itself is a JSON chat array: each content is rendered on its
     * own, so a var holding quotes or newlines cannot break the JSON (rendering the whole text first, as
     * promptfoo does, would); null when the template is not such an array.
     */
    static List<Message> renderedChat(String template, java.util.function.UnaryOperator<String> render) {
        List<Message> raw = parseChat(template);
        if (raw == null) {
            return null;
        }
        return raw.stream().map(m -> new Message(m.role(), render.apply(m.content()))).toList();
    }

    static List<Message> of(String rendered) {
        List<Message> chat = parseChat(rendered);
        return chat != null ? chat : List.of(new Message("user", rendered));
    }

    private static List<Message> parseChat(String rendered) {
        String t = rendered.strip();
        if (t.startsWith("[")) {
            try {
                JsonNode arr = JSON.readTree(t);
                List<Message> out = new ArrayList<>();
                boolean ok = arr.isArray() && !arr.isEmpty();
                for (JsonNode m : arr) {
                    if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                        ok = false;
                        break;
                    }
                    out.add(new Message(m.get("role").asText(), m.get("content").asText()));
                }
                if (ok) {
                    return out;
                }
            } catch (java.io.IOException e) {
                // not JSON: a text prompt that happens to start with a bracket
            }
        }
        return null;
    }
}
