package dev.sirocco.evals.assertions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test's verdict from its assertions, as promptfoo grades: the score is the weighted mean of the assertion
 * scores; with a {@code threshold} the test passes iff the score reaches it, otherwise iff every assertion
 * (weight 0 included) passes. A test without assertions passes with score 1.
 *
 * @param namedScores per {@code metric}: the weighted mean of the scores of the assertions naming it
 */
public record TestGrade(boolean pass, double score, String reason, List<AssertionResult> results,
                        Map<String, Double> namedScores) {

    public static TestGrade of(List<AssertionResult> results, Double threshold) {
        if (results.isEmpty()) {
            return new TestGrade(true, 1, "no assertions", List.of(), Map.of());
        }
        double total = 0;
        double weights = 0;
        Map<String, double[]> named = new LinkedHashMap<>();
        String firstFailure = null;
        for (AssertionResult r : results) {
            double w = r.spec().weight();
            total += r.score() * w;
            weights += w;
            if (r.spec().metric() != null) {
                double[] acc = named.computeIfAbsent(r.spec().metric(), k -> new double[2]);
                acc[0] += r.score() * w;
                acc[1] += w;
            }
            if (!r.pass() && firstFailure == null) {
                firstFailure = r.spec().displayType() + ": " + r.reason();
            }
        }
        double score = weights > 0 ? total / weights : 0;
        boolean pass = firstFailure == null;
        String reason = pass ? "all assertions passed" : firstFailure;
        if (threshold != null) {
            pass = score >= threshold;
            reason = String.format("weighted score %.2f %s threshold %s", score, pass ? ">=" : "<",
                    Assertions.jsString(threshold)) + (firstFailure != null && !pass ? "; " + firstFailure : "");
        }
        Map<String, Double> namedScores = new LinkedHashMap<>();
        named.forEach((k, acc) -> namedScores.put(k, acc[1] > 0 ? acc[0] / acc[1] : 0));
        return new TestGrade(pass, score, reason, List.copyOf(results), namedScores);
    }
}
