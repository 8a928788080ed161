package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.ScalarAttentionKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vector attention kernels against their scalar twin, bit for bit, at awkward sizes. They run on 256-bit
 * vectors whatever the preferred width (ggml's lanes are 8 floats), so there is one vector path to hold.
 */
class VectorAttentionKernelsTest {
    private final ScalarAttentionKernels scalar = new ScalarAttentionKernels();
    private final VectorAttentionKernels vector = new VectorAttentionKernels();

    private static float[] gaussian(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * scale;
        }
        return x;
    }

    private static short[] halves(float[] x) {
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = Float.floatToFloat16(x[i]);
        }
        return h;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 16, 31, 32, 33, 64, 100, 128, 257})
    void dotsEqualScalar(int n) {
        Random r = new Random(n);
        for (int trial = 0; trial < 50; trial++) {
            float[] x = gaussian(r, n + 3, 1f);
            float[] y = gaussian(r, n + 5, 1f);
            assertThat(vector.dot(x, 3, y, 5, n)).isEqualTo(scalar.dot(x, 3, y, 5, n));
        }
    }

    /** The attention widens an F16 cache once per segment and takes these sums over floats: they must not change a bit. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 16, 31, 32, 33, 64, 80, 100, 128, 257})
    void sumsOverWidenedHalvesEqualTheSumsOverHalves(int n) {
        Random r = new Random(n);
        for (int trial = 0; trial < 50; trial++) {
            float[] x = halfRounded(gaussian(r, n + 3, 1f));
            short[] h = halves(gaussian(r, n + 5, 1f));
            float[] widened = new float[h.length];
            for (int i = 0; i < h.length; i++) {
                widened[i] = Float.float16ToFloat(h[i]);
            }
            float expected = scalar.dotHalf(x, 3, h, 5, n);
            assertThat(scalar.dotWidened(x, 3, widened, 5, n)).isEqualTo(expected);
            assertThat(vector.dotWidened(x, 3, widened, 5, n)).isEqualTo(expected);
            float[] w = gaussian(r, n + 1, 0.3f);
            float[] a = new float[n];
            float[] b = new float[n];
            for (boolean gemm : new boolean[]{false, true}) {
                // n values of width n, at a stride of n + 5 (the rows of the halves above, one per value)
                short[] v = halves(gaussian(r, n * (n + 5), 1f));
                float[] vf = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    vf[i] = Float.float16ToFloat(v[i]);
                }
                scalar.weightedSumHalf(w, 1, n, trial, v, 0, n + 5, n, gemm, new float[32 * n], a, 0);
                vector.weightedSum(w, 1, n, trial, vf, 0, n + 5, n, gemm, new float[32 * n], b, 0);
                assertThat(b).as("gemm %s", gemm).isEqualTo(a);
            }
        }
    }

    private static float[] halfRounded(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 8, 9, 15, 16, 17, 63, 300})
    void softmaxNumeratorsEqualScalarAtEveryAlignment(int n) {
        Random r = new Random(n);
        for (int cell0 = 0; cell0 < 10; cell0++) {
            // wide logits reach ggml's |n| > 126 branch (exps that underflow to 0) as well as the normal one
            float[] x = gaussian(r, n + 2, cell0 % 2 == 0 ? 3f : 60f);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, x[2 + j]);
            }
            float[] a = x.clone();
            float[] b = x.clone();
            double sa = scalar.softmaxNumerators(a, 2, n, cell0, max);
            double sb = vector.softmaxNumerators(b, 2, n, cell0, max);
            assertThat(sb).as("sum at cell0 %d", cell0).isEqualTo(sa);
            assertThat(b).as("numerators at cell0 %d", cell0).isEqualTo(a);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 8, 13, 16, 32, 64, 70})
    void valueSumsEqualScalar(int width) {
        Random r = new Random(width);
        for (int n : new int[]{1, 5, 8, 31, 33, 90}) {
            for (int cell0 : new int[]{0, 3, 8, 29}) {
                for (boolean gemm : new boolean[]{false, true}) {
                    int stride = width + 3;
                    float[] v = gaussian(r, n * stride + 2, 1f);
                    float[] w = gaussian(r, n + 1, 0.3f);
                    float[] a = new float[width];
                    float[] b = new float[width];
                    scalar.weightedSum(w, 1, n, cell0, v, 2, stride, width, gemm, new float[32 * width], a, 0);
                    vector.weightedSum(w, 1, n, cell0, v, 2, stride, width, gemm, new float[32 * width], b, 0);
                    assertThat(b).as("n %d cell0 %d gemm %s", n, cell0, gemm).isEqualTo(a);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 64, 131})
    void swigluEqualsScalar(int n) {
        Random r = new Random(n);
        float[] gate = gaussian(r, n + 1, 8f);
        float[] up = gaussian(r, n + 1, 1f);
        float[] a = gate.clone();
        float[] b = gate.clone();
        scalar.swiglu(a, up, 1, n);
        vector.swiglu(b, up, 1, n);
        assertThat(b).isEqualTo(a);
    }
}
