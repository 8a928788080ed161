package dev.sirocco.engine.runtime.sampling;

/**
 * What the sampler does to a position's logits, with llama.cpp's meanings and "off" values.
 *
 * @param temperature      divides the logits before the draw; {@code <= 0} means greedy (argmax)
 * @param topK             keep the k most likely tokens; {@code <= 0} is off
 * @param topP             keep the smallest most-likely set whose probability reaches p; {@code 1} is off
 * @param minP             drop tokens less likely than {@code minP * p(best)}; {@code 0} is off
 * @param repeatPenalty    divides positive / multiplies negative logits of recent tokens; {@code 1} is off
 * @param repeatLastN      how many recent tokens the penalties look at; {@code 0} turns all penalties off
 *                         (llama.cpp's {@code -1} = "context size" must be resolved by the caller)
 * @param frequencyPenalty subtracted once per occurrence in the window; {@code 0} is off
 * @param presencePenalty  subtracted once if the token occurs in the window; {@code 0} is off
 * @param seed             seed of the random draw; {@link #RANDOM_SEED} picks a fresh one, as llama.cpp's -1 does
 */
public record SamplingParams(float temperature, int topK, float topP, float minP,
        float repeatPenalty, int repeatLastN, float frequencyPenalty, float presencePenalty, long seed) {

    /** The seed that means "choose one at random" (llama.cpp's server and CLI use -1 the same way). */
    public static final long RANDOM_SEED = -1L;

    public SamplingParams {
        if (Float.isNaN(temperature) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite, got " + temperature);
        }
        if (!(topP >= 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in [0, 1], got " + topP);
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw new IllegalArgumentException("minP must be in [0, 1], got " + minP);
        }
        if (!(repeatPenalty > 0f) || Float.isInfinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeatPenalty must be positive and finite, got " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeatLastN must be >= 0 (resolve -1 to the context size first), got " + repeatLastN);
        }
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException("frequency/presence penalties must be finite, got "
                    + frequencyPenalty + ", " + presencePenalty);
        }
    }

    /** Argmax decoding with every filter and penalty off. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L);
    }

    /** llama.cpp's CLI defaults ({@code common/common.h}): temp 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties, random seed. */
    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, RANDOM_SEED);
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, newSeed);
    }

    public SamplingParams withTemperature(float newTemperature) {
        return new SamplingParams(newTemperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }

    /** llama.cpp skips the penalties sampler when it cannot change anything. */
    public boolean penaltiesEnabled() {
        return repeatLastN != 0 && (repeatPenalty != 1f || frequencyPenalty != 0f || presencePenalty != 0f);
    }
}
