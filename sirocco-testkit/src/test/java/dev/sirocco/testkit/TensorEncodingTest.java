package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorEncodingTest {

    @Test
    void f32IsWrittenLittleEndian() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(8);
            TensorEncoding.encode(GgmlType.F32, new float[] {1f, -2f}, 2, dst);
            assertThat(dst.toArray(ValueLayout.JAVA_BYTE)).containsExactly(0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0);
        }
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsNaNQuiet() {
        // 0x3F808000 lies exactly between 0x3F80 and 0x3F81: ties go to the even 0x3F80
        assertThat(TensorEncoding.toBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        // 0x3F818000 lies between 0x3F81 and 0x3F82: ties go to the even 0x3F82
        assertThat(TensorEncoding.toBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(TensorEncoding.toBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        short nan = TensorEncoding.toBf16(Float.intBitsToFloat(0x7F800001));
        assertThat(Float.isNaN(Float.intBitsToFloat(nan << 16))).isTrue();
    }

    @Test
    void halfTypesRoundTripWithinTheirPrecision() {
        Random rnd = new Random(3);
        float[] v = new float[64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f16 = arena.allocate(128);
            MemorySegment bf16 = arena.allocate(128);
            TensorEncoding.encode(GgmlType.F16, v, 64, f16);
            TensorEncoding.encode(GgmlType.BF16, v, 64, bf16);
            for (int i = 0; i < v.length; i++) {
                short h = f16.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                short b = bf16.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                assertThat(Float.float16ToFloat(h)).isCloseTo(v[i], org.assertj.core.data.Offset.offset(Math.abs(v[i]) / 1024 + 1e-7f));
                assertThat(Float.intBitsToFloat(b << 16)).isCloseTo(v[i], org.assertj.core.data.Offset.offset(Math.abs(v[i]) / 128));
                assertThat(TensorEncoding.roundTrip(GgmlType.BF16, v[i])).isEqualTo(Float.intBitsToFloat(b << 16));
            }
        }
    }

    @Test
    void wrongDestinationSizeIsRejected() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> TensorEncoding.encode(GgmlType.F16, new float[4], 4, arena.allocate(4)))
                    .hasMessageContaining("needs 8 bytes");
        }
    }
}
