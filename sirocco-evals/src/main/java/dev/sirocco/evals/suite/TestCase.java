package dev.sirocco.evals.suite;

import java.util.List;
import java.util.Map;

/**
 * A test after {@code defaultTest} is merged in and list-valued vars are expanded (one case per combination,
 * as promptfoo does).
 *
 * @param description the suite's description, or null
 * @param vars        variables for the prompt and the assertion values
 * @param asserts     defaultTest's assertions first, then the test's own
 * @param threshold   when set, the test passes iff its weighted score reaches it; otherwise every assertion must pass
 * @param metadata    free-form data carried into the reports
 */
public record TestCase(String description, Map<String, Object> vars, List<AssertionSpec> asserts, Double threshold,
                       Map<String, Object> metadata, String source, int line) {
    public TestCase {
        asserts = List.copyOf(asserts);
    }
}
