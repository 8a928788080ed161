package dev.sirocco.engine.runtime;

import dev.sirocco.engine.tokenizer.Tokenizer;

/**
 * The generation loop for one sequence: evaluate the prompt in batches, then sample, stream and feed
 * back one token at a time until an end-of-generation token, a stop string, the token limit or a full context.
 */
public final class Generator {
    private Generator() {
    }

    public static GenerationResult generate(Session session, Tokenizer tokenizer, int[] prompt,
                                            GenerationRequest request, TokenListener listener) {
        if (prompt.length + 1 > session.contextSize() - session.position()) {
            throw new ContextFullException(session.position(), prompt.length, session.contextSize());
        }
        // the first token comes from the prompt's logits; each later one needs a free position to be evaluated
        int room = session.contextSize() - session.position() - prompt.length + 1;
        Generation g = new Generation(tokenizer, session.vocabSize(), prompt, request, listener, room);
        float[] logits = session.evaluate(prompt);
        for (int token = g.next(logits, 0); token != Generation.DONE; token = g.next(logits, 0)) {
            if (session.position() >= session.contextSize()) {
                g.finish(GenerationResult.FinishReason.CONTEXT_FULL);
                break;
            }
            logits = session.evaluate(token);
        }
        return g.result();
    }
}
