/**
 * Constrained decoding: an output format (a JSON schema, a tool call's syntax) as a state machine over the bytes
 * of the output, applied token by token as the first logit processor of a sequence's sampler chain.
 *
 * <p>An {@link dev.sirocco.engine.runtime.constraint.OutputConstraint} describes the format and starts a
 * {@link dev.sirocco.engine.runtime.constraint.ByteMatcher} per sequence; a
 * {@link dev.sirocco.engine.runtime.constraint.DecodingConstraint} walks the vocabulary's
 * {@link dev.sirocco.engine.runtime.constraint.TokenTrie} with it to mask the tokens that cannot continue a valid
 * output, or that would leave too few tokens of the budget to close it. The formats themselves live outside the
 * engine (sirocco-chat compiles JSON schemas); the engine knows only bytes.
 */
package dev.sirocco.engine.runtime.constraint;
