package dev.sirocco.engine.runtime;

/**
 * The outcome of one generation.
 *
 * @param tokens          generated token ids (the stop string's tokens included, the end-of-generation token not)
 * @param text            generated text, cut before a matched stop string
 * @param finishReason    why it ended
 * @param promptTokens    tokens evaluated for the prompt
 * @param promptNanos     time spent evaluating the prompt (includes the first token's logits)
 * @param generationNanos time spent generating after the prompt
 * @param logprobs        one entry per generated token when the request asked for them, else empty
 */
public record GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens,
                               long promptNanos, long generationNanos, java.util.List<TokenLogprob> logprobs) {

    public GenerationResult {
        logprobs = java.util.List.copyOf(logprobs);
    }

    /** Why generation stopped (the API maps these to OpenAI/Mistral finish reasons). */
    public enum FinishReason {
        /** An end-of-generation token or a stop string. */
        STOP,
        /** {@code maxTokens} reached. */
        LENGTH,
        /** The context window is full. */
        CONTEXT_FULL
    }

    /**
     * Decode speed: the first token comes from the prompt's logits, each later one costs one forward pass,
     * so this is {@code (tokens - 1) / generation time} (0 with fewer than two tokens).
     */
    public double generationTokensPerSecond() {
        return tokens.length > 1 && generationNanos > 0 ? (tokens.length - 1) / (generationNanos / 1e9) : 0;
    }

    public double promptTokensPerSecond() {
        return promptNanos > 0 ? promptTokens / (promptNanos / 1e9) : 0;
    }
}
