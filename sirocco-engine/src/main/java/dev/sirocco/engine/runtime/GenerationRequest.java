package dev.sirocco.engine.runtime;

import dev.sirocco.engine.runtime.constraint.OutputConstraint;
import dev.sirocco.engine.runtime.sampling.SamplingParams;

import java.util.List;

/**
 * What to generate after a prompt.
 *
 * @param maxTokens  upper bound on generated tokens
 * @param sampling   sampler settings (greedy when temperature is 0)
 * @param stop       stop strings: generation ends before the first one, which is not returned
 * @param ignoreEos  keep generating past end-of-generation tokens (llama.cpp's --ignore-eos)
 * @param logprobs   {@link #NO_LOGPROBS}, or report each generated token's log-probability with this many
 *                   most likely alternatives (0: the token's own only)
 * @param constraint the format the output must follow (a JSON schema, a tool call), or null for free text; each
 *                   sequence starts its own matcher from it, and generation stops once the output is complete
 */
public record GenerationRequest(int maxTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos, int logprobs,
                                OutputConstraint constraint) {
    /** {@link #logprobs} value for "do not compute log-probabilities". */
    public static final int NO_LOGPROBS = -1;

    public GenerationRequest {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (logprobs < NO_LOGPROBS) {
            throw new IllegalArgumentException("logprobs must be -1 (off) or >= 0, got " + logprobs);
        }
        stop = List.copyOf(stop);
    }

    /** A request without a constraint. */
    public GenerationRequest(int maxTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos, int logprobs) {
        this(maxTokens, sampling, stop, ignoreEos, logprobs, null);
    }

    /** This request with its output held to {@code constraint} (null: free text). */
    public GenerationRequest withConstraint(OutputConstraint constraint) {
        return new GenerationRequest(maxTokens, sampling, stop, ignoreEos, logprobs, constraint);
    }

    /** A request without log-probabilities. */
    public GenerationRequest(int maxTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos) {
        this(maxTokens, sampling, stop, ignoreEos, NO_LOGPROBS);
    }

    public static GenerationRequest greedy(int maxTokens) {
        return new GenerationRequest(maxTokens, SamplingParams.greedy(), List.of(), false);
    }
}
