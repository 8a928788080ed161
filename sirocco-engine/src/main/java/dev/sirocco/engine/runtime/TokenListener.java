package dev.sirocco.engine.runtime;

/** Receives generated tokens as they come; {@code text} is the newly completed text (whole UTF-8 characters, stop strings withheld). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int token, String text);

    /** As {@link #onToken(int, String)}, with the token's log-probability when the request asked for it (else null). */
    default void onToken(int token, String text, TokenLogprob logprob) {
        onToken(token, text);
    }

    TokenListener NONE = (token, text) -> { };
}
