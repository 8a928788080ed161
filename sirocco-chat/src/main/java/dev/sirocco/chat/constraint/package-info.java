/**
 * JSON schemas as decoding constraints: {@link dev.sirocco.chat.constraint.JsonConstraints} compiles
 * {@code response_format} schemas and tool-call shapes into a pushdown automaton over bytes
 * ({@link dev.sirocco.chat.constraint.JsonMatcher}) that the engine applies token by token.
 *
 * <p>The output is compact JSON (no whitespace between tokens) with object properties in the schema's order; every
 * output the automaton completes parses and validates against the schema, and the automaton knows the fewest bytes
 * that close what was started, so generation can close it within its token budget.
 */
package dev.sirocco.chat.constraint;
