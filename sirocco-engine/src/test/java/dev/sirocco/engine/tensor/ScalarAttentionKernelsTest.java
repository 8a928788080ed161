package dev.sirocco.engine.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ScalarAttentionKernelsTest {
    private final ScalarAttentionKernels k = new ScalarAttentionKernels();

    /** ggml documents its exp as within about 2 ulps (1.45 + 0.5 rounding); measured here on 1e5 points. */
    @Test
    void polynomialExpIsWithinThreeUlpsOfExpAndSaturatesLikeGgml() {
        Random rnd = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (rnd.nextDouble() * 175 - 87); // results in the normal float range
            float exact = (float) Math.exp(x);
            double ulps = Math.abs((double) ScalarAttentionKernels.expf(x) - Math.exp(x)) / Math.ulp(exact);
            assertThat(ulps).as("ulps off at expf(%s)", x).isLessThan(3.0);
        }
        assertThat(ScalarAttentionKernels.expf(Float.NEGATIVE_INFINITY)).isZero(); // masked attention cells
        assertThat(ScalarAttentionKernels.expf(-200f)).isZero();
        assertThat(ScalarAttentionKernels.expf(0f)).isEqualTo(1f);
        assertThat(ScalarAttentionKernels.expf(100f)).isInfinite();
    }

    /**
     * The vec_dot tree adds lane 0 to lane 16 first: with +1e8 in lane 0, -1e8 in lane 16 and 1 in lane 8 the sum
     * is exactly 1, where a running float sum in element order loses the 1 (1e8 + 1 rounds back to 1e8).
     */
    @Test
    void dotSumsLanesInGgmlsTreeNotInElementOrder() {
        float[] x = new float[32];
        float[] ones = new float[32];
        java.util.Arrays.fill(ones, 1f);
        x[0] = 1e8f;
        x[8] = 1f;
        x[16] = -1e8f;
        assertThat(k.dot(x, 0, ones, 0, 32)).isEqualTo(1f);
        float running = 0f;
        for (float v : x) {
            running += v;
        }
        assertThat(running).isZero();
    }

    /** tinyBLAS's tree adds lane l to lane l + 4 first: (1e8 + -1e8) + 1 = 1 with the 1 in lane 1. */
    @Test
    void gemmValueSumAddsLaneToLanePlusFourFirst() {
        float[] w = {1e8f, 1f, 0f, 0f, -1e8f, 0f, 0f, 0f};
        float[] v = new float[8];
        java.util.Arrays.fill(v, 1f);
        float[] out = new float[1];
        k.weightedSum(w, 0, 8, 0, v, 0, 1, 1, true, new float[32], out, 0);
        assertThat(out[0]).isEqualTo(1f);
    }

    /** A window of cells starting anywhere sums exactly like ggml's full row with the other cells masked to -inf. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 7, 8, 13, 30})
    void softmaxWindowEqualsMaskedFullRow(int cell0) {
        Random rnd = new Random(cell0);
        int n = 1 + rnd.nextInt(40);
        int total = ((cell0 + n + 7) / 8) * 8;
        float[] row = new float[total];
        java.util.Arrays.fill(row, Float.NEGATIVE_INFINITY);
        float[] window = new float[n];
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            window[j] = (float) rnd.nextGaussian() * 3;
            row[cell0 + j] = window[j];
            max = Math.max(max, window[j]);
        }
        double fromWindow = k.softmaxNumerators(window, 0, n, cell0, max);
        double fromRow = k.softmaxNumerators(row, 0, total, 0, max);
        assertThat(fromWindow).isEqualTo(fromRow);
        for (int j = 0; j < n; j++) {
            assertThat(window[j]).isEqualTo(row[cell0 + j]);
        }
    }

    /** A window of value cells gives the same sums as the full row from cell 0 with zero weights before it. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void valueSumOfAWindowEqualsZeroWeightedFullRow(boolean gemm) {
        Random rnd = new Random(gemm ? 3 : 4);
        int width = 13;
        int cell0 = 21;
        int n = 50;
        float[] v = new float[(cell0 + n) * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        float[] wFull = new float[cell0 + n];
        for (int j = cell0; j < cell0 + n; j++) {
            wFull[j] = rnd.nextFloat();
        }
        float[] a = new float[width];
        float[] b = new float[width];
        k.weightedSum(wFull, cell0, n, cell0, v, cell0 * width, width, width, gemm, new float[32 * width], a, 0);
        k.weightedSum(wFull, 0, cell0 + n, 0, v, 0, width, width, gemm, new float[32 * width], b, 0);
        assertThat(a).isEqualTo(b);
    }
}
