package dev.sirocco.server;

import dev.sirocco.engine.runtime.GenerationResult;

/** What a running request reports to the HTTP thread serving it, in order. */
sealed interface GenerationEvent {
    /** The prompt is tokenized: {@code tokens} prompt tokens. */
    record Prompt(int tokens) implements GenerationEvent {
    }

    /**
     * New text for choice {@code index} (possibly empty while a UTF-8 character is incomplete), with the generated
     * token's log-probability when the request asked for it (else null).
     */
    record Piece(int index, String text, dev.sirocco.engine.runtime.TokenLogprob logprob) implements GenerationEvent {
    }

    /** Choice {@code index} is complete. */
    record ChoiceDone(int index, GenerationResult result) implements GenerationEvent {
    }

    /** Every choice is complete. */
    record Finished() implements GenerationEvent {
    }

    /** The request failed; nothing more follows. */
    record Failed(RuntimeException error) implements GenerationEvent {
    }
}
