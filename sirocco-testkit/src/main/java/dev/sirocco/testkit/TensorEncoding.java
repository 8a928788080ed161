package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Stores F32 values in a tensor type's on-disk format, rounding as ggml does (F16: round to nearest even;
 * BF16: round to nearest even with quiet NaNs, as ggml_compute_fp32_to_bf16).
 */
public final class TensorEncoding {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private TensorEncoding() {
    }

    /** Writes {@code values} (rows of {@code rowLength}) into {@code dst} as {@code type}; dst must be exactly the right size. */
    public static void encode(GgmlType type, float[] values, int rowLength, MemorySegment dst) {
        if (dst.byteSize() != type.bytesFor(values.length)) {
            throw new IllegalArgumentException(type + " of " + values.length + " values needs "
                    + type.bytesFor(values.length) + " bytes, got " + dst.byteSize());
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.setAtIndex(F32, i, values[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.setAtIndex(I16, i, Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.setAtIndex(I16, i, toBf16(values[i]));
                }
            }
            default -> Quantization.quantize(type, values, rowLength, dst);
        }
    }

    /** The value a float becomes after a round trip through {@code type} (F32, F16, BF16). */
    public static float roundTrip(GgmlType type, float v) {
        return switch (type) {
            case F32 -> v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> Float.intBitsToFloat((toBf16(v) & 0xffff) << 16);
            default -> throw new IllegalArgumentException("not an element type: " + type);
        };
    }

    static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64); // NaN: keep it a quiet NaN
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }
}
