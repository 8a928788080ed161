package dev.sirocco.engine.tensor.quant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatTest {

    private static int bf16(int floatBits) {
        return HalfFloat.floatToBf16(Float.intBitsToFloat(floatBits)) & 0xFFFF;
    }

    @Test
    void bf16RoundsToNearestEvenOnTies() {
        // 0x3F80_8000 lies exactly between 0x3F80 and 0x3F81: the even one (0x3F80) wins.
        assertThat(bf16(0x3F808000)).isEqualTo(0x3F80);
        // 0x3F81_8000 lies between 0x3F81 and 0x3F82: the even one (0x3F82) wins.
        assertThat(bf16(0x3F818000)).isEqualTo(0x3F82);
        // Just above / below the tie.
        assertThat(bf16(0x3F808001)).isEqualTo(0x3F81);
        assertThat(bf16(0x3F807FFF)).isEqualTo(0x3F80);
    }

    @Test
    void bf16SpecialValuesFollowGgml() {
        assertThat(bf16(0x7F800000)).isEqualTo(0x7F80); // +inf
        assertThat(bf16(0xFF800000)).isEqualTo(0xFF80); // -inf
        assertThat(bf16(0x80000000)).isEqualTo(0x8000); // -0
        // A signalling NaN keeps its upper bits and is forced quiet (bit 6), never becoming infinity.
        assertThat(bf16(0x7F800001)).isEqualTo(0x7FC0);
        assertThat(bf16(0xFFC12345)).isEqualTo(0xFFC1 | 64);
        // The largest float rounds up to infinity, as ggml's carry does.
        assertThat(bf16(0x7F7FFFFF)).isEqualTo(0x7F80);
        assertThat(HalfFloat.bf16ToFloat((short) 0x3FC0)).isEqualTo(1.5f);
    }

    @Test
    void f16RoundsToNearestEvenAndSaturatesToInfinity() {
        assertThat(HalfFloat.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
        // 65520 is halfway between 65504 and 65536 (not representable): ties to even gives infinity.
        assertThat(HalfFloat.floatToHalf(65520f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloat.floatToHalf(65519.99f)).isEqualTo((short) 0x7BFF);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: the even one (1) wins.
        assertThat(HalfFloat.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloat.floatToHalf(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
        // The smallest subnormal, and half of it (a tie to even zero).
        assertThat(HalfFloat.floatToHalf(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloat.floatToHalf(0x1p-25f)).isEqualTo((short) 0x0000);
        assertThat(HalfFloat.floatToHalf(-0f)).isEqualTo((short) 0x8000);
    }

    @Test
    void f16NanIsTheCanonicalQuietNanWithItsSign() {
        assertThat(HalfFloat.floatToHalf(Float.NaN)).isEqualTo((short) 0x7E00);
        assertThat(HalfFloat.floatToHalf(Float.intBitsToFloat(0xFF800001))).isEqualTo((short) 0xFE00);
        assertThat(HalfFloat.halfToFloat((short) 0x7E00)).isNaN();
        assertThat(HalfFloat.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    }
}
