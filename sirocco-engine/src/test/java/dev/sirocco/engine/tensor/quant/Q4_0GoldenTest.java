package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/** A Q4_0 block worked out by hand from the format's definition, not from our code. */
class Q4_0GoldenTest {

    /*
     * x[j] = j - 16 for j = 0..31. The value of largest magnitude is x[0] = -16, so
     * d = -16 / -8 = 2 (f16 0x4000) and 1/d = 0.5. Each quant is min(15, trunc(x/d + 8.5)):
     * (j - 16)/2 + 8.5 = (j + 1)/2, so q[j] = floor((j + 1) / 2), capped at 15 (j = 29..31).
     * Byte j (j < 16) packs q[j] in the low nibble and q[j + 16] in the high one:
     * low  = 0 1 1 2 2 3 3 4 4 5 5 6 6 7 7 8
     * high = 8 9 9 A A B B C C D D E E F F F
     */
    private static final byte[] EXPECTED = {
            0x00, 0x40,
            (byte) 0x80, (byte) 0x91, (byte) 0x91, (byte) 0xA2, (byte) 0xA2, (byte) 0xB3, (byte) 0xB3, (byte) 0xC4,
            (byte) 0xC4, (byte) 0xD5, (byte) 0xD5, (byte) 0xE6, (byte) 0xE6, (byte) 0xF7, (byte) 0xF7, (byte) 0xF8,
    };

    private static float[] ramp() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = j - 16;
        }
        return x;
    }

    @Test
    void handComputedBlockMatchesQuantizer() {
        byte[] out = new byte[18];
        Quantizer.quantize(GgmlType.Q4_0, ramp(), 0, 32, MemorySegment.ofArray(out), 0);
        assertThat(out).containsExactly(EXPECTED);
    }

    @Test
    void handComputedBlockDecodesToTwiceTheQuantMinusEight() {
        float[] y = new float[32];
        Dequantizer.dequantize(GgmlType.Q4_0, MemorySegment.ofArray(EXPECTED.clone()), 0, y, 0, 32);
        // j = 0: q = 0 -> -16; j = 1: q = 1 -> -14; j = 31: q = 15 -> 14.
        assertThat(y[0]).isEqualTo(-16f);
        assertThat(y[1]).isEqualTo(-14f);
        assertThat(y[2]).isEqualTo(-14f);
        assertThat(y[16]).isEqualTo(0f);
        assertThat(y[31]).isEqualTo(14f);
    }
}
