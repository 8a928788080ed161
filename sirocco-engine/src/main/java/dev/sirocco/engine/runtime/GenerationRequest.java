package dev.sirocco.engine.runtime;

import dev.sirocco.engine.runtime.sampling.SamplingParams;

import java.util.List;

/**
 * What to generate after a prompt.
 *
 * @param maxTokens  upper bound on generated tokens
 * @param sampling   sampler settings (greedy when temperature is 0)
 * @param stop       stop strings: generation ends before the first one, which is not returned
 * @param ignoreEos  keep generating past end-of-generation tokens (llama.cpp's --ignore-eos)
 */
public record GenerationRequest(int maxTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos) {
    public GenerationRequest {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        stop = List.copyOf(stop);
    }

    public static GenerationRequest greedy(int maxTokens) {
        return new GenerationRequest(maxTokens, SamplingParams.greedy(), List.of(), false);
    }
}
