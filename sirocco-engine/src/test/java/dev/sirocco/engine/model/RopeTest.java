package dev.sirocco.engine.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RopeTest {

    /**
     * llama.cpp's x86 CPU backends compute the rotation with one fused multiply-add per output, the x0
     * product fused and the x1 product rounded first; plain float arithmetic differs by an ulp on some
     * inputs, which is enough to flip a Q8 activation rounding later. The test only counts pairs where
     * the two roundings disagree, so it fails on unfused arithmetic.
     */
    @Test
    void rotationRoundsLikeLlamaCppFusedMultiplyAdd() {
        Random rnd = new Random(7);
        int headDim = 64;
        int disagreeing = 0;
        for (Architecture.RopeStyle style : Architecture.RopeStyle.values()) {
            Rope rope = Rope.of(style, headDim, 10000f, 1f, null);
            float[] cos = new float[headDim / 2];
            float[] sin = new float[headDim / 2];
            for (int trial = 0; trial < 50; trial++) {
                rope.angles(1 + rnd.nextInt(500), cos, sin);
                float[] x = new float[headDim];
                for (int i = 0; i < headDim; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[] y = x.clone();
                rope.apply(y, 0, 1, headDim, cos, sin);
                for (int i = 0; i < headDim / 2; i++) {
                    int i0 = style == Architecture.RopeStyle.ADJACENT_PAIRS ? 2 * i : i;
                    int i1 = style == Architecture.RopeStyle.ADJACENT_PAIRS ? i0 + 1 : i0 + headDim / 2;
                    float x0 = x[i0];
                    float x1 = x[i1];
                    float fused0 = Math.fma(x0, cos[i], -(x1 * sin[i]));
                    float fused1 = Math.fma(x0, sin[i], x1 * cos[i]);
                    if (fused0 != x0 * cos[i] - x1 * sin[i] || fused1 != x0 * sin[i] + x1 * cos[i]) {
                        disagreeing++;
                    }
                    assertThat(y[i0]).as("%s pair %d first", style, i).isEqualTo(fused0);
                    assertThat(y[i1]).as("%s pair %d second", style, i).isEqualTo(fused1);
                }
            }
        }
        assertThat(disagreeing).as("pairs where fused and plain arithmetic differ").isGreaterThan(0);
    }
}
