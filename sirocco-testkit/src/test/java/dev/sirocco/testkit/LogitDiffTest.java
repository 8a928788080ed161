package dev.sirocco.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogitDiffTest {

    @Test
    void findsTheLargestDifferenceAndItsPlace() {
        float[][] expected = {{0, 1, 2}, {3, 0, 0}};
        float[][] actual = {{0, 1, 2.1f}, {3, 0.5f, 0}};
        LogitDiff d = LogitDiff.of(actual, expected, 0.01);
        assertThat(d.maxAbs()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(d.maxPosition()).isEqualTo(1);
        assertThat(d.maxToken()).isEqualTo(1);
        assertThat(d.argmaxFlips()).isZero();
        // sum of squared differences 0.26 over the reference's squared deviations 2 + 6
        assertThat(d.relativeRms()).isCloseTo(Math.sqrt(0.26 / 8), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void argmaxFlipsCountOnlyOutsideNearTies() {
        float[][] expected = {{1.000f, 0.995f, 0}, {2, 0, 0}};
        float[][] actual = {{0.990f, 0.999f, 0}, {0, 2, 0}};
        LogitDiff d = LogitDiff.of(actual, expected, 0.01);
        assertThat(d.nearTieFlips()).isEqualTo(1);
        assertThat(d.argmaxFlips()).isEqualTo(1);
        assertThatThrownBy(() -> d.assertWithin(10, 10)).hasMessageContaining("1 argmax flips");
    }

    @Test
    void nanCountsAsInfinitelyFar() {
        LogitDiff d = LogitDiff.of(new float[][] {{Float.NaN, 0}}, new float[][] {{1, 0}}, 0);
        assertThat(d.maxAbs()).isInfinite();
        assertThatThrownBy(() -> d.assertWithin(1, 1)).isInstanceOf(AssertionError.class);
    }

    @Test
    void greedyAgreementAllowsADivergenceOnlyAtANearTie() {
        GreedyResult llama = new GreedyResult(new int[] {5, 6, 7}, new float[] {1f, 0.001f, 2f}, new float[0][]);
        assertThat(llama.agreesWith(new int[] {5, 6, 7}, 0.01f)).isTrue();
        assertThat(llama.agreesWith(new int[] {5, 9, 1}, 0.01f)).isTrue();   // step 1 is a near-tie
        assertThat(llama.agreesWith(new int[] {4, 6, 7}, 0.01f)).isFalse();  // step 0 is not
        assertThat(llama.agreesWith(new int[] {5, 6}, 0.01f)).isFalse();     // too short
        assertThat(llama.describeDivergence(new int[] {4, 6, 7})).startsWith("step 0: ours 4, llama.cpp 5 with top-2 gap 1.0");
    }
}
