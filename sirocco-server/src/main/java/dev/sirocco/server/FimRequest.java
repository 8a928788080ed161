package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** A {@code POST /v1/fim/completions} body (Mistral's fill-in-the-middle): the code before and after the gap. */
record FimRequest(String model, String prompt, String suffix, GenerationParams params) {

    private static final Set<String> FIELDS = Set.of("model", "prompt", "suffix", "temperature", "top_p", "max_tokens",
            "min_tokens", "stop", "seed", "random_seed", "stream", "stream_options", "user");

    static FimRequest read(JsonNode body) {
        RequestFields.onlyKnown(body, FIELDS, "");
        String model = RequestFields.requiredString(body, "model", "model");
        String prompt = RequestFields.requiredString(body, "prompt", "prompt");
        JsonNode suffix = body.get("suffix");
        if (suffix != null && !suffix.isNull() && !suffix.isTextual()) {
            throw ApiException.badField("suffix", "'suffix' must be a string, got " + RequestFields.kind(suffix));
        }
        Integer minTokens = RequestFields.optInt(body, "min_tokens", 0, Integer.MAX_VALUE);
        if (minTokens != null && minTokens > 0) {
            throw ApiException.unsupported("min_tokens", "'min_tokens' is not supported yet by this server");
        }
        return new FimRequest(model, prompt, suffix == null || suffix.isNull() ? "" : suffix.asText(),
                GenerationParams.read(body, false));
    }
}
