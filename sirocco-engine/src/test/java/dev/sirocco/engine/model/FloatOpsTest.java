package dev.sirocco.engine.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FloatOpsTest {

    /**
     * ggml_compute_forward_rms_norm_f32 takes {@code scale = 1.0f/sqrtf(mean + eps)}: a float square root,
     * then a float division. Rounding {@code 1/sqrt} once in double differs by an ulp for some rows, enough to
     * flip a Q8 activation rounding downstream (seen against llama.cpp on a Q6_K model). The rows here are
     * picked so that the two roundings disagree, so the test fails on the double formula.
     */
    @Test
    void rmsNormScaleRoundsLikeSqrtfThenFloatDivision() {
        Random rnd = new Random(42);
        int n = 64;
        float eps = 1e-5f;
        int disagreeing = 0;
        for (int trial = 0; trial < 2000 && disagreeing < 20; trial++) {
            float[] x = new float[n];
            float[] w = new float[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                x[i] = (float) rnd.nextGaussian();
                w[i] = 1f + 0.1f * (float) rnd.nextGaussian();
                sum += x[i] * x[i];
            }
            float mean = (float) (sum / n);
            float sqrtf = (float) Math.sqrt(mean + eps); // correctly rounded, as sqrtf
            float ggmlScale = 1.0f / sqrtf;
            float onceRounded = (float) (1.0 / Math.sqrt(mean + eps));
            if (ggmlScale == onceRounded) {
                continue;
            }
            disagreeing++;
            float[] out = new float[n];
            FloatOps.rmsNorm(out, 0, x, 0, w, n, eps);
            for (int i = 0; i < n; i++) {
                assertThat(out[i]).as("row %d element %d", trial, i).isEqualTo(x[i] * ggmlScale * w[i]);
            }
        }
        assertThat(disagreeing).as("rows where the two roundings differ").isGreaterThan(0);
    }

    /**
     * llama.cpp's GELU table entry for the f16 value -1.9990234 is f16(-0.04548646) = -0.04550171: computed
     * outside Java by emulating the compiled ggml_gelu_f32 (fused {@code x*(A*x) + 1}, glibc tanhf). The
     * unfused float formula gives -0.0454864, which rounds to the neighbouring f16 -0.04547119.
     */
    @Test
    void geluMulMatchesLlamaCppTableWhereUnfusedArithmeticRoundsToAnotherHalf() {
        float[] gate = {-1.9990234f, -1.9991803f};
        float[] up = {1f, 2f};
        FloatOps.geluMul(gate, up, 0, 2);
        assertThat(gate[0]).isEqualTo(-0.04550171f);
        assertThat(gate[1]).isEqualTo(-0.04550171f * 2f);
    }
}
