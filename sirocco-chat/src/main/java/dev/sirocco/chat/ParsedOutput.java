package dev.sirocco.chat;

import java.util.List;

/**
 * A model's answer read as a chat message: its content and the tools it called.
 *
 * @param content the text outside calls; null when the answer is only calls
 * @param calls   the calls in order, each with an id; empty when none
 */
public record ParsedOutput(String content, List<ToolCall> calls) {
    public ParsedOutput {
        calls = List.copyOf(calls);
    }
}
