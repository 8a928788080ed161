package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A provider's answer to one request.
 *
 * @param output    the message text (tool calls as JSON when the answer is only tool calls)
 * @param toolCalls OpenAI-style {@code tool_calls}, or null
 * @param logprobs  the natural-log probability of each generated token, or null when the provider gave none
 * @param error     why there is no answer (HTTP status, engine failure), or null
 * @param latencyMs wall time of the request
 * @param cached    whether it came from the response cache rather than the provider
 */
public record ProviderResponse(String output, JsonNode toolCalls, List<Double> logprobs, String error, long latencyMs,
                               boolean cached) {
    public ProviderResponse {
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
    }

    public static ProviderResponse failure(String error, long latencyMs) {
        return new ProviderResponse(null, null, null, error, latencyMs, false);
    }

    public ProviderResponse asCached() {
        return new ProviderResponse(output, toolCalls, logprobs, error, 0, true);
    }
}
