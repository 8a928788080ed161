package dev.sirocco.engine.runtime.constraint;

/**
 * One sequence's position in a constrained output, fed one byte at a time: a mutable state that can be copied,
 * so a vocabulary walk can try every token's bytes from the same start.
 */
public interface ByteMatcher {
    /** {@link #closingCost()} of a matcher that can no longer reach a complete output. */
    int UNREACHABLE = Integer.MAX_VALUE;

    /**
     * Advances by one byte ({@code 0..255}); false if the byte cannot continue any valid output, and then this
     * matcher's state is unspecified (callers restore it with {@link #copyFrom}).
     */
    boolean accept(int b);

    /**
     * The fewest bytes that turn what was accepted into a complete output: 0 when it is complete now. Every single
     * byte is a token in byte-level and byte-fallback vocabularies, so this also bounds the tokens needed to close.
     */
    int closingCost();

    /**
     * A shortcut for the common state "inside free text" (a JSON string's content): the number of further characters of
     * <em>plain text</em> this state accepts, each changing nothing but a character count, or -1 when this state is
     * not like that. Plain text is whole UTF-8 characters from U+0020 up other than {@code "} and {@code \}, the
     * characters a JSON string takes unescaped. The vocabulary walk then takes plain tokens by their character count
     * instead of byte by byte.
     */
    default int plainTextLimit() {
        return -1;
    }

    /** {@link #closingCost()} after {@code n} more plain characters ({@code 0 <= n <= plainTextLimit()}). */
    default int closingCostAfterPlainText(int n) {
        throw new UnsupportedOperationException("this matcher has no plain-text shortcut");
    }

    /** An independent matcher in the same state. */
    ByteMatcher copy();

    /** Puts this matcher in {@code other}'s state; {@code other} is a matcher of the same constraint. */
    void copyFrom(ByteMatcher other);
}
