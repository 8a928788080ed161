package dev.sirocco.engine.runtime.sampling;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks each next token of one sequence: runs the logit-processor chain (constraints → penalties → top-k →
 * top-p → min-p → temperature, llama.cpp's default order) and ends in a greedy pick or a seeded random draw.
 * Not thread-safe: one sampler per sequence. Allocates nothing per token after construction.
 *
 * <p>Use: {@link #acceptPrompt} each prompt token (llama.cpp's CLI and server let the penalties see the prompt),
 * then per step {@code int t = sampler.sample(logits); sampler.accept(t);} — {@link #sample} does not record the
 * token, {@link #accept} does.
 */
public final class Sampler {

    private final SamplingParams params;
    private final Candidates candidates;
    private final TokenHistory history;
    private final List<LogitProcessor> chain;
    private final LogitProcessor[] steps; // the chain as an array: iterating it allocates no iterator
    private final Xoshiro256 rng;
    private long seed;

    public Sampler(SamplingParams params, int vocabSize) {
        this(params, vocabSize, List.of());
    }

    /** {@code constraints} (grammar, logit bias) run first, before the penalties, like llama.cpp's logit bias. */
    public Sampler(SamplingParams params, int vocabSize, List<LogitProcessor> constraints) {
        this.params = params;
        this.candidates = new Candidates(vocabSize);
        this.history = new TokenHistory(params.repeatLastN(), vocabSize);
        List<LogitProcessor> order = new ArrayList<>(constraints);
        if (params.penaltiesEnabled()) {
            order.add(new Penalties(params.repeatPenalty(), params.frequencyPenalty(), params.presencePenalty()));
        }
        // top-k, top-p and min-p always keep the argmax and temperature keeps the order, so greedy
        // decoding skips them: the same token, without sorting the vocabulary
        if (!params.isGreedy()) {
            if (params.topK() > 0) {
                order.add(new TopK(params.topK()));
            }
            if (params.topP() < 1f) {
                order.add(new TopP(params.topP()));
            }
            if (params.minP() > 0f) {
                order.add(new MinP(params.minP()));
            }
            order.add(new Temperature(params.temperature()));
        }
        this.chain = List.copyOf(order);
        this.steps = order.toArray(LogitProcessor[]::new);
        this.seed = resolveSeed(params.seed());
        this.rng = new Xoshiro256(seed);
    }

    /**
     * Returns the next token for these logits ({@code length == vocabSize}; copied, never modified).
     * Greedy ties go to the lowest id, as llama.cpp's greedy sampler (first maximum in id order).
     *
     * @throws IllegalStateException if the chain left no candidate, or none with a finite logit for a draw
     */
    public int sample(float[] logits) {
        candidates.load(logits);
        return sampleLoaded();
    }

    /** As {@link #sample(float[])} for the vocabulary-long row at {@code offset} of a batch's (positions, vocab) logits. */
    public int sample(float[] rows, int offset) {
        candidates.load(rows, offset);
        return sampleLoaded();
    }

    private int sampleLoaded() {
        Candidates c = candidates;
        for (LogitProcessor step : steps) {
            step.process(c, history);
        }
        if (c.size == 0) {
            throw new IllegalStateException("the sampler chain left no candidate token");
        }
        return params.isGreedy() ? pickGreedy(c) : draw(c);
    }

    private static int pickGreedy(Candidates c) {
        int best = 0;
        for (int i = 1; i < c.size; i++) {
            float l = c.logits[i];
            float b = c.logits[best];
            if (l > b || (l == b && c.ids[i] < c.ids[best])) {
                best = i;
            }
        }
        return c.ids[best];
    }

    /**
     * llama.cpp's {@code dist}: softmax in float with a double running sum, one uniform draw per call (even
     * with a single candidate, so the stream position depends only on the number of samples), then the first
     * candidate whose cumulative weight reaches {@code u * sum}.
     */
    private int draw(Candidates c) {
        double u = rng.nextDouble();
        float max = c.maxLogit();
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            throw new IllegalStateException("no candidate token has a finite logit (max " + max + ")");
        }
        double sum = 0;
        for (int i = 0; i < c.size; i++) {
            float e = (float) Math.exp(c.logits[i] - max);
            c.probs[i] = e;
            sum += e;
        }
        double target = sum * u;
        double running = 0;
        int selected = -1;
        for (int i = 0; i < c.size; i++) {
            float e = c.probs[i];
            running += e;
            // e > 0: never pick a banned (-inf) token, even for u == 0 where llama.cpp would take index 0
            if (selected < 0 && e > 0f && running >= target) {
                selected = i;
            }
            c.probs[i] = (float) (e / sum);
        }
        if (selected < 0) { // rounding left the target unreached: take the last token with any weight
            for (int i = c.size - 1; i >= 0 && selected < 0; i--) {
                if (c.probs[i] > 0f) {
                    selected = i;
                }
            }
        }
        return c.ids[selected];
    }

    /** Records a prompt token for the penalties only: constraints start at the first generated token (llama.cpp accepts the prompt with {@code accept_grammar = false}). */
    public void acceptPrompt(int token) {
        history.add(token);
    }

    /** Records a generated token for the penalties and for every processor (a grammar advances on it). */
    public void accept(int token) {
        history.add(token);
        for (LogitProcessor step : steps) {
            step.accept(token);
        }
    }

    /** Starts a new sequence: clears the history and processor state and reseeds (a random seed is drawn anew). */
    public void reset() {
        history.clear();
        for (LogitProcessor step : chain) {
            step.reset();
        }
        seed = resolveSeed(params.seed());
        rng.reseed(seed);
    }

    private static long resolveSeed(long requested) {
        return requested == SamplingParams.RANDOM_SEED ? new SecureRandom().nextLong() & Long.MAX_VALUE : requested;
    }

    /** The seed in use (the drawn one when the params asked for {@link SamplingParams#RANDOM_SEED}). */
    public long seed() {
        return seed;
    }

    public SamplingParams params() {
        return params;
    }

    /** The processors in the order they run (the final greedy pick or draw is not a processor). */
    public List<LogitProcessor> chain() {
        return chain;
    }

    public TokenHistory history() {
        return history;
    }

    /**
     * The candidates the last {@link #sample} chose from, with their probabilities after a draw (for
     * logprobs); overwritten by the next call.
     */
    public Candidates candidates() {
        return candidates;
    }
}
