package dev.sirocco.engine.runtime.constraint;

/**
 * A format the generated text must follow, as a factory of fresh per-sequence matchers: immutable and shareable,
 * so one request's constraint can start any number of sequences (continuous batching gives each its own state).
 */
@FunctionalInterface
public interface OutputConstraint {
    /** A matcher at the start of the output. */
    ByteMatcher start();
}
