package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.ScalarBulkMath;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The vector exp and max against the plain loops (the same bits), exp against libm (ggml documents 1.5 ulps plus rounding), and position independence. */
class VectorBulkMathTest {
    private final VectorBulkMath vector = new VectorBulkMath();
    private final ScalarBulkMath scalar = new ScalarBulkMath();

    @Test
    void expGivesTheScalarTwinsBitsAndSum() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n : new int[]{0, 1, 7, 16, 33, 100, 4096 + 5}) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextDouble() * 300 - 200); // into the under- and overflow ranges too
            }
            float[] v = new float[n + 2];
            float[] s = new float[n + 2];
            double vs = vector.exp(x, 3, 0.5f, 1.25f, v, 2, n);
            double ss = scalar.exp(x, 3, 0.5f, 1.25f, s, 2, n);
            assertThat(v).as("n %d", n).containsExactly(s);
            assertThat(vs).isEqualTo(ss);
        }
    }

    @Test
    void expIsWithinThreeUlpsOfLibmAndSaturates() {
        float[] x = new float[2001];
        for (int i = 0; i < x.length; i++) {
            x[i] = -80f + i * 0.045f; // -80 .. 10
        }
        float[] e = new float[x.length];
        vector.exp(x, 0, 1f, 0f, e, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float libm = (float) Math.exp(x[i]);
            assertThat(e[i]).as("exp(%s)", x[i]).isCloseTo(libm, within(3 * Math.ulp(libm)));
        }
        float[] extremes = {-200f, 200f, Float.NEGATIVE_INFINITY, 0f};
        float[] out = new float[4];
        vector.exp(extremes, 0, 1f, 0f, out, 0, 4);
        assertThat(out).containsExactly(0f, Float.POSITIVE_INFINITY, 0f, 1f);
    }

    @Test
    void anElementGetsTheSameExpInAFullVectorAndInTheMaskedTail() {
        float[] x = new float[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = -3f + i * 0.173f;
        }
        float[] whole = new float[40];
        vector.exp(x, 0, 1f, 0f, whole, 0, 40);
        for (int cut = 1; cut < 40; cut += 3) {
            float[] parts = new float[40];
            vector.exp(x, 0, 1f, 0f, parts, 0, cut);
            vector.exp(x, cut, 1f, 0f, parts, cut, 40 - cut);
            assertThat(parts).as("cut at %d", cut).containsExactly(whole);
        }
    }

    @Test
    void maxIsTheLargestElementOfTheRange() {
        float[] x = {5f, -1f, 2f, 9f, 3f, 8f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 1f, 2f, 12f, -4f};
        assertThat(vector.max(x, 0, x.length)).isEqualTo(12f);
        assertThat(vector.max(x, 0, 17)).isEqualTo(9f);
        assertThat(vector.max(x, 4, 3)).isEqualTo(8f);
        assertThat(vector.max(x, 1, 0)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(scalar.max(x, 0, x.length)).isEqualTo(12f);
    }
}
