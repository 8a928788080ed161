package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A legacy {@code POST /v1/completions} body: one or more prompts continued as plain text. */
record CompletionRequest(String model, List<String> prompts, GenerationParams params) {

    private static final Set<String> FIELDS = Set.of("model", "prompt", "temperature", "top_p", "max_tokens", "stop",
            "seed", "random_seed", "presence_penalty", "frequency_penalty", "n", "stream", "stream_options", "user",
            "suffix", "echo", "best_of", "logprobs", "logit_bias");

    static CompletionRequest read(JsonNode body) {
        RequestFields.onlyKnown(body, FIELDS, "");
        String model = RequestFields.requiredString(body, "model", "model");
        if (RequestFields.present(body, "suffix")) {
            throw ApiException.unsupported("suffix", "'suffix' is not supported yet by this server");
        }
        if (Boolean.TRUE.equals(RequestFields.optBool(body, "echo", "echo"))) {
            throw ApiException.unsupported("echo", "'echo' is not supported yet by this server");
        }
        Integer bestOf = RequestFields.optInt(body, "best_of", 1, GenerationParams.MAX_N);
        if (bestOf != null && bestOf > 1) {
            throw ApiException.unsupported("best_of", "'best_of' above 1 is not supported yet by this server");
        }
        if (RequestFields.present(body, "logprobs")) {
            throw ApiException.unsupported("logprobs", "'logprobs' is not supported yet by this server");
        }
        JsonNode bias = body.get("logit_bias");
        if (bias != null && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
            throw ApiException.unsupported("logit_bias", "'logit_bias' is not supported yet by this server");
        }
        JsonNode p = body.get("prompt");
        List<String> prompts = new ArrayList<>();
        if (p == null || p.isNull()) {
            throw ApiException.badField("prompt", "'prompt' is required");
        } else if (p.isTextual()) {
            prompts.add(p.asText());
        } else if (p.isArray() && !p.isEmpty()) {
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).isTextual()) {
                    // token-id prompts ([1, 2, 3] or [[1, 2]]) are part of OpenAI's API but not implemented here
                    throw ApiException.unsupported("prompt[" + i + "]", "'prompt[" + i + "]' must be a string; token-id prompts are not supported yet");
                }
                prompts.add(p.get(i).asText());
            }
        } else {
            throw ApiException.badField("prompt", "'prompt' must be a string or a non-empty array of strings");
        }
        return new CompletionRequest(model, prompts, GenerationParams.read(body, false));
    }
}
