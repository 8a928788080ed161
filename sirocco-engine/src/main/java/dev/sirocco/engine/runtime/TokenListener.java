package dev.sirocco.engine.runtime;

/** Receives generated tokens as they come; {@code text} is the newly completed text (whole UTF-8 characters, stop strings withheld). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int token, String text);

    TokenListener NONE = (token, text) -> { };
}
