package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ActivationQuantizerTest {

    /** A block whose largest magnitude is 127, so both scales are exactly 1 and only the rounding differs. */
    private static float[] ties() {
        float[] x = new float[32];
        x[0] = 127f;
        x[1] = 0.5f;
        x[2] = 1.5f;
        x[3] = 2.5f;
        x[4] = -0.5f;
        x[5] = -2.5f;
        return x;
    }

    @Test
    void q8_0ActivationsRoundHalfToEvenLikeAvx2() {
        byte[] out = new byte[34];
        ActivationQuantizer.q8_0(ties(), 0, 32, MemorySegment.ofArray(out), 0);
        assertThat(out[0] | out[1] << 8).isEqualTo(0x3C00); // d = 127/127 = 1.0
        assertThat(new byte[]{out[2], out[3], out[4], out[5], out[6], out[7]}).containsExactly(127, 0, 2, 2, 0, -2);
    }

    @Test
    void q8_0WeightsRoundHalfAwayFromZeroLikeTheReference() {
        byte[] out = new byte[34];
        Quantizer.quantize(GgmlType.Q8_0, ties(), 0, 32, MemorySegment.ofArray(out), 0);
        assertThat(new byte[]{out[2], out[3], out[4], out[5], out[6], out[7]}).containsExactly(127, 1, 2, 3, -1, -3);
    }

    @Test
    void q8_1StoresScaleTimesSumOfQuants() {
        float[] x = new float[64];
        Random r = new Random(3);
        for (int i = 0; i < 64; i++) {
            x[i] = (float) r.nextGaussian();
        }
        MemorySegment seg = MemorySegment.ofArray(new byte[72]);
        ActivationQuantizer.q8_1(x, 0, 64, seg, 0);
        for (int b = 0; b < 2; b++) {
            float amax = 0;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
                sum += Le.s8(seg, 36L * b + 4 + j);
            }
            float d = amax / 127f;
            assertThat(Le.half(seg, 36L * b)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(d)));
            assertThat(Le.half(seg, 36L * b + 2)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(d * sum)));
            for (int j = 0; j < 32; j++) {
                assertThat(Math.abs(Le.s8(seg, 36L * b + 4 + j) * d - x[32 * b + j])).isLessThanOrEqualTo(d / 2 * 1.0001f);
            }
        }
    }

    @Test
    void q8_KBlockSumsAreSumsOfSixteenQuantsAndTheExtremeMapsToMinus127() {
        Random r = new Random(11);
        float[] x = new float[512];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 3;
        }
        x[17] = -40f; // the extreme of block 0 is negative
        x[300] = 25f; // the extreme of block 1 is positive
        MemorySegment seg = MemorySegment.ofArray(new byte[2 * 292]);
        ActivationQuantizer.q8_K(x, 0, 512, seg, 0);
        assertThat(Le.f32(seg, 0)).isEqualTo(1 / (-127f / -40f));
        assertThat(Le.s8(seg, 4 + 17)).isEqualTo(-127); // the extreme always maps to -127; d = -max/127 carries the sign
        assertThat(Le.f32(seg, 292)).isEqualTo(1 / (-127f / 25f));
        assertThat(Le.s8(seg, 292 + 4 + 300 - 256)).isEqualTo(-127);
        for (int b = 0; b < 2; b++) {
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) {
                    sum += Le.s8(seg, 292L * b + 4 + 16 * g + j);
                }
                assertThat(Q8KCodec.bsum(seg, 292L * b, g)).as("block %d sum %d", b, g).isEqualTo(sum);
            }
        }
        float[] back = new float[512];
        Dequantizer.dequantize(GgmlType.Q8_K, seg, 0, back, 0, 512);
        for (int i = 0; i < 512; i++) {
            float d = Math.abs(Le.f32(seg, 292L * (i / 256)));
            assertThat(Math.abs(back[i] - x[i])).isLessThanOrEqualTo(d / 2 * 1.0001f);
        }
    }

    @Test
    void q8_KZeroBlockHasZeroScaleQuantsAndSums() {
        MemorySegment seg = MemorySegment.ofArray(new byte[292]);
        seg.fill((byte) 0x5A);
        ActivationQuantizer.q8_K(new float[256], 0, 256, seg, 0);
        assertThat(Le.f32(seg, 0)).isZero();
        for (int j = 4; j < 292; j++) {
            assertThat(Le.s8(seg, j)).isZero();
        }
    }
}
