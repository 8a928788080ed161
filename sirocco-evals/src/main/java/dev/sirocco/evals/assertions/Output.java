package dev.sirocco.evals.assertions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What the assertions look at: a provider's answer and how it was obtained.
 *
 * @param text      the output text (for a tool-calling answer without text, the tool calls as JSON)
 * @param toolCalls OpenAI-style {@code tool_calls} array, or null
 * @param latencyMs wall time of the request; meaningless when {@code cached}
 * @param tools     the tools the provider was configured with (OpenAI format), empty if none
 * @param logprobs  each generated token's natural-log probability, or null when the provider gave none
 */
public record Output(String text, JsonNode toolCalls, long latencyMs, boolean cached, List<Object> tools, List<Double> logprobs) {
    public Output {
        tools = tools == null ? List.of() : tools;
    }

    public Output(String text, JsonNode toolCalls, long latencyMs, boolean cached, List<Object> tools) {
        this(text, toolCalls, latencyMs, cached, tools, null);
    }

    public static Output text(String text) {
        return new Output(text, null, 0, false, List.of());
    }
}
