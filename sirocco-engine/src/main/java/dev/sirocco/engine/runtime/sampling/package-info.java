/**
 * Turning a position's logits into the next token, as llama.cpp's sampler chain does
 * ({@code src/llama-sampler.cpp}, {@code common/sampling.cpp}), plus stop-string detection on the emitted text.
 *
 * <p>A {@link dev.sirocco.engine.runtime.sampling.Sampler} runs a chain of
 * {@link dev.sirocco.engine.runtime.sampling.LogitProcessor}s over preallocated
 * {@link dev.sirocco.engine.runtime.sampling.Candidates} and ends in a greedy pick or a seeded random draw.
 * The order is llama.cpp's default (the subset we support): constraints (grammar, logit bias) →
 * penalties → top-k → top-p → min-p → temperature → greedy or draw. Note that top-p and min-p see
 * the probabilities <em>before</em> temperature, as in llama.cpp.
 *
 * <p>Reproducibility: a given seed gives the same tokens on every JVM (our own xoshiro256** generator), but
 * not the same draws as llama.cpp's {@code std::mt19937}; greedy decoding matches llama.cpp exactly.
 */
package dev.sirocco.engine.runtime.sampling;
