package dev.sirocco.evals.assertions;

import dev.sirocco.evals.suite.AssertionSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** promptfoo's grading: weighted mean score; with a threshold the score decides, without one every assertion must pass. */
class TestGradeTest {
    private static AssertionResult result(boolean pass, double weight, String metric) {
        AssertionSpec s = new AssertionSpec("contains", false, "x", null, weight, metric, "t.yaml", 1);
        return new AssertionResult(s, pass, pass ? 1 : 0, pass ? "passed" : "expected output to contain \"x\"");
    }

    @Test
    void scoreIsTheWeightedMean() {
        TestGrade g = TestGrade.of(List.of(result(true, 3, null), result(false, 1, null)), null);
        assertThat(g.score()).isCloseTo(0.75, within(1e-12));
        assertThat(g.pass()).isFalse(); // no threshold: one failure fails the test
    }

    @Test
    void thresholdOverridesIndividualFailures() {
        List<AssertionResult> rs = List.of(result(true, 3, null), result(false, 1, null));
        assertThat(TestGrade.of(rs, 0.75).pass()).isTrue();
        assertThat(TestGrade.of(rs, 0.76).pass()).isFalse();
        assertThat(TestGrade.of(rs, 0.76).reason()).startsWith("weighted score 0.75 < threshold 0.76");
    }

    @Test
    void zeroWeightDoesNotMoveTheScoreButStillFailsWithoutThreshold() {
        TestGrade g = TestGrade.of(List.of(result(true, 1, null), result(false, 0, null)), null);
        assertThat(g.score()).isEqualTo(1.0);
        assertThat(g.pass()).isFalse();
        assertThat(TestGrade.of(List.of(result(true, 1, null), result(false, 0, null)), 1.0).pass()).isTrue();
    }

    @Test
    void namedMetricsAverageTheirOwnAssertions() {
        TestGrade g = TestGrade.of(List.of(result(true, 1, "accuracy"), result(false, 1, "accuracy"),
                result(false, 2, "tone"), result(true, 1, null)), null);
        assertThat(g.namedScores()).containsEntry("accuracy", 0.5).containsEntry("tone", 0.0);
    }

    @Test
    void noAssertionsPasses() {
        assertThat(TestGrade.of(List.of(), null).pass()).isTrue();
        assertThat(TestGrade.of(List.of(), null).score()).isEqualTo(1.0);
    }
}
