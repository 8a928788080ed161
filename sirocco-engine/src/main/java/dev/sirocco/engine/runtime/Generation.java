package dev.sirocco.engine.runtime;

import dev.sirocco.engine.runtime.constraint.DecodingConstraint;
import dev.sirocco.engine.runtime.sampling.Sampler;
import dev.sirocco.engine.runtime.sampling.StopStrings;
import dev.sirocco.engine.tokenizer.StreamingDecoder;
import dev.sirocco.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One sequence's generation as a state machine, so one loop ({@link Generator}) or many sequences in one
 * batched pass ({@link Scheduler}) drive it the same way: give it the logits after its last evaluated token,
 * get back the next token to evaluate, or the news that it is finished.
 */
final class Generation {
    /** {@link #next} result when the generation has finished. */
    static final int DONE = -1;

    private final Tokenizer tokenizer;
    private final GenerationRequest request;
    private final TokenListener listener;
    private final Sampler sampler;
    private final DecodingConstraint constraint; // null for free text
    private final int budget; // tokens a constrained output must close within: maxTokens or the context's room
    private final StopStrings stops;
    private final StreamingDecoder decoder;
    private final StringBuilder text = new StringBuilder();
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private final int vocab;
    private float[] work; // the logits copied out of a batch's shared array, allocated on first need
    private final float[] raw; // a copy of the logits for log-probabilities, null when not asked for
    private final int promptTokens;
    private int[] out;
    private int count;
    private GenerationResult.FinishReason reason;
    private final long start = System.nanoTime();
    private long promptDone;

    /**
     * @param room the most tokens the context can still take after the prompt: a constrained output closes within
     *             it as within {@code maxTokens}
     */
    Generation(Tokenizer tokenizer, int vocab, int[] prompt, GenerationRequest request, TokenListener listener, int room) {
        this.tokenizer = tokenizer;
        this.budget = Math.min(request.maxTokens(), Math.max(1, room));
        this.request = request;
        this.listener = listener;
        this.vocab = vocab;
        this.constraint = request.constraint() == null ? null : new DecodingConstraint(tokenizer, vocab, request.constraint());
        this.sampler = constraint == null ? new Sampler(request.sampling(), vocab)
                : new Sampler(request.sampling(), vocab, List.of(constraint));
        for (int t : prompt) {
            sampler.acceptPrompt(t); // penalties see the prompt, constraints do not (as llama.cpp)
        }
        this.stops = request.stop().isEmpty() ? null : new StopStrings(request.stop());
        this.decoder = new StreamingDecoder(tokenizer);
        this.raw = request.logprobs() == GenerationRequest.NO_LOGPROBS ? null : new float[vocab];
        this.promptTokens = prompt.length;
        this.out = new int[Math.min(request.maxTokens(), 1024)];
    }

    /**
     * Takes the logits after the last evaluated token ({@code logits[off .. off + vocab)}, possibly changed in
     * place by the samplers), samples and streams the next token, and returns it for evaluation, or {@link #DONE}.
     */
    int next(float[] logits, int off) {
        if (promptDone == 0) {
            promptDone = System.nanoTime();
        }
        if (reason != null) {
            return DONE;
        }
        if (count >= request.maxTokens()) {
            return finish(GenerationResult.FinishReason.LENGTH);
        }
        float[] l = logits;
        if (off != 0 || logits.length != vocab) { // the samplers work on a vocab-sized array
            if (work == null) {
                work = new float[vocab];
            }
            System.arraycopy(logits, off, work, 0, vocab);
            l = work;
        }
        if (raw != null) { // the model's own distribution, before the samplers reshape the logits in place
            System.arraycopy(l, 0, raw, 0, raw.length);
        }
        if (constraint != null && constraint.prepare(budget - count) == 0) {
            // nothing can follow: a complete output in a vocabulary without end tokens, or a dead end
            return finish(constraint.complete() ? GenerationResult.FinishReason.STOP : GenerationResult.FinishReason.LENGTH);
        }
        int token = sampler.sample(l);
        if ((constraint != null || !request.ignoreEos()) && tokenizer.isEndOfGeneration(token)) {
            return finish(GenerationResult.FinishReason.STOP); // a constraint allows end tokens only when complete
        }
        TokenLogprob lp = raw != null ? TokenLogprob.of(raw, raw.length, token, request.logprobs()) : null;
        sampler.accept(token);
        if (count == out.length) {
            out = Arrays.copyOf(out, Math.min(request.maxTokens(), out.length * 2));
        }
        out[count++] = token;
        String piece = decoder.accept(token);
        boolean stopped = false;
        if (stops != null) {
            StopStrings.Step step = stops.feed(piece);
            piece = step.text();
            stopped = step.stopped();
        }
        text.append(piece);
        if (lp != null) {
            logprobs.add(lp);
        }
        listener.onToken(token, piece, lp);
        if (stopped || constraint != null && constraint.finished()) {
            return finish(GenerationResult.FinishReason.STOP);
        }
        if (count == request.maxTokens()) {
            return finish(GenerationResult.FinishReason.LENGTH);
        }
        return token;
    }

    /** Ends the generation (if not ended yet) for {@code why}, streaming what the decoder still holds. */
    int finish(GenerationResult.FinishReason why) {
        if (reason != null) {
            return DONE;
        }
        reason = why;
        if (promptDone == 0) {
            promptDone = System.nanoTime();
        }
        if (stops == null || !stops.stopped()) { // after a matched stop string nothing more is emitted
            String rest = decoder.flush();
            if (stops != null) {
                StopStrings.Step step = stops.feed(rest);
                rest = step.stopped() ? step.text() : step.text() + stops.flush();
            }
            if (!rest.isEmpty()) {
                text.append(rest);
                listener.onToken(-1, rest, null);
            }
        }
        return DONE;
    }

    boolean finished() {
        return reason != null;
    }

    GenerationResult result() {
        if (reason == null) {
            throw new IllegalStateException("the generation has not finished");
        }
        long end = System.nanoTime();
        return new GenerationResult(Arrays.copyOf(out, count), text.toString(), reason, promptTokens,
                promptDone - start, end - promptDone, logprobs);
    }
}
