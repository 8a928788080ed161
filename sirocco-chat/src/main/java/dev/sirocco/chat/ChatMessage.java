package dev.sirocco.chat;

import java.util.List;

/**
 * One chat turn as a template sees it (OpenAI / Hugging Face message shape).
 *
 * @param role       "system", "user", "assistant", "tool", ...
 * @param content    the text; may be null for an assistant turn that only calls tools
 * @param toolCalls  tool calls made by an assistant turn; empty when none
 * @param toolCallId for a "tool" turn: the id of the call it answers; null when none
 * @param name       for a "tool" turn: the tool's name; null when none
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public ChatMessage {
        if (role == null) throw new IllegalArgumentException("a chat message needs a role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A plain text turn. */
    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, List.of(), null, null);
    }

    /** An assistant turn that calls tools (content may be null). */
    public static ChatMessage toolCalls(String content, List<ToolCall> calls) {
        return new ChatMessage("assistant", content, calls, null, null);
    }

    /** A tool result answering the call with id {@code toolCallId}. */
    public static ChatMessage toolResult(String toolCallId, String name, String content) {
        return new ChatMessage("tool", content, List.of(), toolCallId, name);
    }
}
