package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ToolCall;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a chat request asks the template to render: its messages, with Mistral's {@code safe_prompt} applied and a
 * last assistant message marked {@code prefix: true} taken out as the start of the answer, and the tools to list.
 * Also checks what only the whole conversation shows: a tool result must answer a call made before it.
 *
 * @param messages the turns the template renders
 * @param prefix   the text the answer must start with (Mistral's assistant prefix), or null; the model continues it,
 *                 and the response carries it followed by the continuation, as Mistral's API answers
 * @param tools    the request's tools
 */
record ChatPrompt(List<ChatMessage> messages, String prefix, ToolsRequest tools) {

    /** Mistral's guardrail system prompt, prepended when {@code safe_prompt} is true (docs.mistral.ai, "Guardrailing"). */
    static final String SAFE_PROMPT = "Always assist with care, respect, and truth. Respond with utmost utility yet securely. "
            + "Avoid harmful, unethical, prejudiced, or negative content. Ensure replies promote fairness and positivity.";

    ChatPrompt {
        messages = List.copyOf(messages);
    }

    /** @param messages the request's messages as {@link ChatRequest} read them, in order */
    static ChatPrompt read(JsonNode body, List<ChatMessage> messages, ToolsRequest tools) {
        JsonNode raw = body.get("messages");
        List<ChatMessage> turns = new ArrayList<>(messages);
        checkToolResults(turns);
        String prefix = null;
        for (int i = 0; i < raw.size(); i++) {
            JsonNode p = raw.get(i).get("prefix");
            if (p == null || !p.asBoolean()) {
                continue;
            }
            String path = "messages[" + i + "].prefix";
            if (i != raw.size() - 1) {
                throw ApiException.badField(path, "'" + path + "': only the last message may be a prefix (the answer continues it)");
            }
            ChatMessage last = turns.getLast();
            if (!last.role().equals("assistant")) {
                throw ApiException.badField(path, "'" + path + "': only an assistant message may be a prefix, this one is '" + last.role() + "'");
            }
            if (!last.toolCalls().isEmpty() || last.content() == null) {
                throw ApiException.badField(path, "'" + path + "': a prefix message holds text 'content' and no 'tool_calls'");
            }
            prefix = last.content();
            turns.removeLast();
        }
        if (Boolean.TRUE.equals(RequestFields.optBool(body, "safe_prompt", "safe_prompt"))) {
            turns = withSafePrompt(turns);
        }
        return new ChatPrompt(turns, prefix, tools);
    }

    /**
     * The guardrail goes first: merged into a leading system message (templates such as Mistral's take only one, at
     * the start), else as a system message of its own.
     */
    static List<ChatMessage> withSafePrompt(List<ChatMessage> turns) {
        List<ChatMessage> out = new ArrayList<>(turns);
        if (!out.isEmpty() && out.getFirst().role().equals("system")) {
            ChatMessage system = out.getFirst();
            String content = system.content() == null || system.content().isEmpty() ? SAFE_PROMPT : SAFE_PROMPT + "\n\n" + system.content();
            out.set(0, ChatMessage.of("system", content));
        } else {
            out.addFirst(ChatMessage.of("system", SAFE_PROMPT));
        }
        return out;
    }

    /** A tool message names the call it answers ({@code tool_call_id}), made by an earlier assistant message. */
    private static void checkToolResults(List<ChatMessage> turns) {
        Set<String> called = new HashSet<>();
        for (int i = 0; i < turns.size(); i++) {
            ChatMessage m = turns.get(i);
            for (ToolCall c : m.toolCalls()) {
                if (c.id() != null) {
                    called.add(c.id());
                }
            }
            if (!m.role().equals("tool")) {
                continue;
            }
            String path = "messages[" + i + "].tool_call_id";
            if (m.toolCallId() == null) {
                throw ApiException.badField(path, "'" + path + "' is required: the id of the assistant's tool call this result answers");
            }
            if (!called.contains(m.toolCallId())) {
                throw ApiException.badField(path, "'" + path + "' is \"" + m.toolCallId() + "\", which no earlier assistant message's "
                        + "'tool_calls' holds");
            }
        }
    }

    /** The prompt text: the template's rendering with the generation prompt, then the prefix the answer continues. */
    String render(ServedModel model) {
        if (tools.active() && !model.templateRendersTools()) {
            throw ApiException.badField("tools", "the chat template of model '" + model.id() + "' does not render tools, so the "
                    + "model would never see them; use a model whose template supports tools, or send no 'tools'");
        }
        String rendered = model.renderChat(messages, tools.active() ? tools.tools() : null);
        return prefix == null ? rendered : rendered + prefix;
    }
}
