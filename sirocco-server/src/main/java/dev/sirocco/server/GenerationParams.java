package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import dev.sirocco.engine.runtime.sampling.SamplingParams;

import java.util.List;

/**
 * The sampling and output fields both endpoints share, read once in both dialects
 * ({@code seed} / Mistral's {@code random_seed}, {@code max_tokens} / {@code max_completion_tokens}).
 *
 * @param maxTokens    most tokens per choice, or null for "until the context is full"
 * @param seed         the sampling seed, or null for a random one per request
 * @param n            how many choices (generated one after another)
 * @param includeUsage {@code stream_options.include_usage}
 * @param logprobs     {@link GenerationRequest#NO_LOGPROBS}, or report each token's log-probability with this many
 *                     alternatives (chat's {@code logprobs: true} with {@code top_logprobs})
 * @param constraint   the format the output must follow (chat's {@code response_format}), or null for free text
 */
record GenerationParams(Integer maxTokens, float temperature, float topP, List<String> stop, Long seed,
                        float presencePenalty, float frequencyPenalty, int n, boolean stream, boolean includeUsage,
                        int logprobs, OutputConstraint constraint) {

    GenerationParams withLogprobs(int top) {
        return new GenerationParams(maxTokens, temperature, topP, stop, seed, presencePenalty, frequencyPenalty, n,
                stream, includeUsage, top, constraint);
    }

    GenerationParams withConstraint(OutputConstraint c) {
        return new GenerationParams(maxTokens, temperature, topP, stop, seed, presencePenalty, frequencyPenalty, n,
                stream, includeUsage, logprobs, c);
    }

    static final int MAX_N = 16;

    static GenerationParams read(JsonNode obj, boolean chat) {
        Integer maxTokens = RequestFields.optInt(obj, "max_tokens", 1, Integer.MAX_VALUE);
        if (chat) {
            Integer maxCompletion = RequestFields.optInt(obj, "max_completion_tokens", 1, Integer.MAX_VALUE);
            if (maxCompletion != null) {
                maxTokens = maxTokens == null ? maxCompletion : Math.min(maxTokens, maxCompletion);
            }
        }
        // OpenAI's defaults: temperature 1 and top_p 1 (no other filter), not llama.cpp's CLI defaults.
        Float temperature = RequestFields.optFloat(obj, "temperature", 0, 2);
        Float topP = RequestFields.optFloat(obj, "top_p", 0, 1);
        Long seed = RequestFields.optLong(obj, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Long randomSeed = RequestFields.optLong(obj, "random_seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed != null && randomSeed != null && !seed.equals(randomSeed)) {
            throw ApiException.badField("random_seed", "'seed' and 'random_seed' name the same thing; give one (got "
                    + seed + " and " + randomSeed + ")");
        }
        Float presence = RequestFields.optFloat(obj, "presence_penalty", -2, 2);
        Float frequency = RequestFields.optFloat(obj, "frequency_penalty", -2, 2);
        Integer n = RequestFields.optInt(obj, "n", 1, MAX_N);
        Boolean stream = RequestFields.optBool(obj, "stream", "stream");
        boolean includeUsage = false;
        JsonNode options = obj.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiException.badField("stream_options", "'stream_options' must be an object, got " + RequestFields.kind(options));
            }
            RequestFields.onlyKnown(options, java.util.Set.of("include_usage"), "stream_options.");
            Boolean iu = RequestFields.optBool(options, "include_usage", "stream_options.include_usage");
            includeUsage = iu != null && iu;
        }
        return new GenerationParams(maxTokens, temperature == null ? 1f : temperature, topP == null ? 1f : topP,
                RequestFields.stop(obj), seed != null ? seed : randomSeed, presence == null ? 0f : presence,
                frequency == null ? 0f : frequency, n == null ? 1 : n, stream != null && stream, includeUsage,
                GenerationRequest.NO_LOGPROBS, null);
    }

    /**
     * The sampler for choice {@code index}: choices of one request get consecutive seeds, so they differ
     * from each other yet the whole request reproduces with the same seed.
     */
    SamplingParams sampling(int index, long requestSeed) {
        // top-k and min-p off, penalties over llama.cpp's default window of 64 tokens.
        return new SamplingParams(temperature, 0, topP, 0f, 1f, 64, frequencyPenalty, presencePenalty, requestSeed + index);
    }
}
