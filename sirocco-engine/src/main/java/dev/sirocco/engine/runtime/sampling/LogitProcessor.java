package dev.sirocco.engine.runtime.sampling;

/**
 * One step of the sampler chain: edits or filters the candidate tokens of one position in place.
 * Built-in steps are the penalties and the top-k/top-p/min-p/temperature filters; a grammar or
 * JSON-schema constraint is just another processor (typically banning tokens with {@code -inf}).
 */
public interface LogitProcessor {

    /** Edits {@code candidates} in place; must not allocate per call in steady state. */
    void process(Candidates candidates, TokenHistory history);

    /** Called with every token the sequence accepts (prompt or generated), after the history records it. */
    default void accept(int token) {
    }

    /** Forgets all per-sequence state, as at the start of a new sequence. */
    default void reset() {
    }
}
