package dev.sirocco.evals.assertions;

import dev.sirocco.evals.suite.AssertionSpec;

/**
 * What one assertion concluded about one output.
 *
 * @param score  in [0, 1]; deterministic checks give 1 or 0
 * @param reason "passed", or why it failed, shown in reports
 */
public record AssertionResult(AssertionSpec spec, boolean pass, double score, String reason) {

    /**
     * The result of a check whose positive form is "output should {@code expectation}" (e.g. {@code contain "Paris"});
     * {@code not-} flips it, as promptfoo's inverse flag does.
     */
    static AssertionResult of(AssertionSpec spec, boolean holds, String expectation, String detail) {
        boolean pass = holds != spec.inverse();
        String reason = pass ? "passed"
                : "expected output to " + (spec.inverse() ? "not " : "") + expectation
                + (detail == null || spec.inverse() ? "" : " (" + detail + ")");
        return new AssertionResult(spec, pass, pass ? 1 : 0, reason);
    }

    /**
     * As {@link #of}, for a check with a graded score in [0, 1]: {@code not-} flips the verdict and the score
     * becomes 1 - score.
     */
    static AssertionResult scored(AssertionSpec spec, boolean holds, double score, String expectation, String detail) {
        AssertionResult r = of(spec, holds, expectation, detail);
        return new AssertionResult(spec, r.pass(), spec.inverse() ? 1 - score : score, r.reason());
    }

    /** A check that could not be made (a cached response for latency, no tools configured): a failure either way. */
    static AssertionResult error(AssertionSpec spec, String reason) {
        return new AssertionResult(spec, false, 0, reason);
    }
}
