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

    /** An independent matcher in the same state. */
    ByteMatcher copy();

    /** Puts this matcher in {@code other}'s state; {@code other} is a matcher of the same constraint. */
    void copyFrom(ByteMatcher other);
}
