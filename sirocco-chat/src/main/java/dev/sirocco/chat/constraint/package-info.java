/**
 * JSON schemas as decoding constraints: {@link dev.sirocco.chat.constraint.JsonConstraints} compiles
 * {@code response_format} schemas and tool-call shapes into a pushdown automaton over bytes
 * ({@link dev.sirocco.chat.constraint.JsonMatcher}) that the engine applies token by token.
 *
 * <p>The output is compact JSON (no whitespace between tokens) with object properties in the schema's order; every
 * output the automaton completes parses and validates against the schema, and the automaton knows the fewest bytes
 * that close what was started, so generation can close it within its token budget.
 *
 * <p>Choices and their reasons:
 * <ul>
 *   <li>No whitespace outside strings: every parser reads compact JSON, it costs the fewest tokens of the budget, and a
 *       model (a random-weight one above all) cannot spend the budget on spaces and newlines.</li>
 *   <li>Properties come in the schema's order and only declared ones are written, also when
 *       {@code additionalProperties} allows others (leaving them out is always valid); a schema with no declared
 *       properties takes any keys (json_object mode, {@code additionalProperties: {schema}} maps).</li>
 *   <li>Numbers are plain decimals without exponents: integers of at most 15 digits, numbers of at most 9 integer
 *       and 6 fraction digits, so every bound check is exact integer arithmetic.</li>
 *   <li>{@code oneOf} is enforced as {@code anyOf}: an output matching two branches is possible, though with
 *       distinct types or {@code const} discriminators (the usual case) it cannot happen.</li>
 *   <li>Containers nest at most 32 deep; objects have at most 64 declared properties.</li>
 * </ul>
 */
package dev.sirocco.chat.constraint;
