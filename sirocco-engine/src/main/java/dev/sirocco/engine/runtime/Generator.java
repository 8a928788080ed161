package dev.sirocco.engine.runtime;

import dev.sirocco.engine.runtime.sampling.Sampler;
import dev.sirocco.engine.runtime.sampling.StopStrings;
import dev.sirocco.engine.tokenizer.StreamingDecoder;
import dev.sirocco.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The generation loop for one sequence: evaluate the prompt in batches, then sample, stream and feed
 * back one token at a time until an end-of-generation token, a stop string, the token limit or a full context.
 */
public final class Generator {
    private Generator() {
    }

    public static GenerationResult generate(Session session, Tokenizer tokenizer, int[] prompt,
                                            GenerationRequest request, TokenListener listener) {
        Sampler sampler = new Sampler(request.sampling(), session.vocabSize());
        for (int t : prompt) {
            sampler.acceptPrompt(t); // penalties see the prompt, constraints do not (as llama.cpp)
        }
        StopStrings stops = request.stop().isEmpty() ? null : new StopStrings(request.stop());
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StringBuilder text = new StringBuilder();
        int[] out = new int[Math.min(request.maxTokens(), 1024)];
        List<TokenLogprob> logprobs = new ArrayList<>();
        float[] raw = request.logprobs() == GenerationRequest.NO_LOGPROBS ? null : new float[session.vocabSize()];
        int count = 0;

        long start = System.nanoTime();
        if (prompt.length + 1 > session.contextSize() - session.position()) {
            throw new ContextFullException(session.position(), prompt.length, session.contextSize());
        }
        float[] logits = session.evaluate(prompt);
        long promptDone = System.nanoTime();
        GenerationResult.FinishReason reason = GenerationResult.FinishReason.LENGTH;
        while (count < request.maxTokens()) {
            if (raw != null) { // the model's own distribution, before the samplers reshape the logits in place
                System.arraycopy(logits, 0, raw, 0, raw.length);
            }
            int token = sampler.sample(logits);
            TokenLogprob lp = raw != null ? TokenLogprob.of(raw, raw.length, token, request.logprobs()) : null;
            if (!request.ignoreEos() && tokenizer.isEndOfGeneration(token)) {
                reason = GenerationResult.FinishReason.STOP;
                break;
            }
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
            if (stopped) {
                reason = GenerationResult.FinishReason.STOP;
                break;
            }
            if (count == request.maxTokens()) {
                break;
            }
            if (session.position() >= session.contextSize()) {
                reason = GenerationResult.FinishReason.CONTEXT_FULL;
                break;
            }
            logits = session.evaluate(token);
        }
        if (stops == null || !stops.stopped()) { // after a matched stop string nothing more is emitted
            String rest = decoder.flush();
            if (stops != null) {
                StopStrings.Step step = stops.feed(rest);
                rest = step.stopped() ? step.text() : step.text() + stops.flush();
            }
            if (!rest.isEmpty()) {
                text.append(rest);
                listener.onToken(-1, rest);
            }
        }
        long end = System.nanoTime();
        return new GenerationResult(Arrays.copyOf(out, count), text.toString(), reason, prompt.length,
                promptDone - start, end - promptDone, logprobs);
    }
}
