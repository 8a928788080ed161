package dev.sirocco.evals.suite;

/**
 * One {@code assert} entry of a test.
 *
 * @param type      the assertion type without its {@code not-} prefix (e.g. {@code contains-any})
 * @param inverse   whether the suite wrote {@code not-TYPE}: the check's pass is negated
 * @param value     the expected value as parsed (String, number, list or map); strings are rendered with the test's vars
 * @param threshold the type's own threshold ({@code latency}: milliseconds), or null
 * @param weight    how much this assertion counts in the test's weighted score (promptfoo's default 1)
 * @param metric    a named score this assertion contributes to, or null
 * @param grader    the provider a model-graded assertion asks ({@code llm-rubric}: a chat provider,
 *                  {@code similar}: an embedding provider), or null
 */
public record AssertionSpec(String type, boolean inverse, Object value, Double threshold, double weight,
                            String metric, String source, int line, ProviderSpec grader) {
    public AssertionSpec(String type, boolean inverse, Object value, Double threshold, double weight, String metric,
                         String source, int line) {
        this(type, inverse, value, threshold, weight, metric, source, line, null);
    }

    /** The type as the suite wrote it, prefix included. */
    public String displayType() {
        return inverse ? "not-" + type : type;
    }
}
