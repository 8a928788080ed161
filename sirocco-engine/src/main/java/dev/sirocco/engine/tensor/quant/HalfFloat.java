package dev.sirocco.engine.tensor.quant;

/**
 * IEEE half (F16) and bfloat16 (BF16) conversions, rounding exactly like ggml
 * ({@code ggml_compute_fp32_to_fp16} / {@code ggml_compute_fp32_to_bf16} in ggml/src/ggml-impl.h).
 */
public final class HalfFloat {
    private HalfFloat() {
    }

    /** Float to IEEE half bits, round-to-nearest-even; every NaN becomes the quiet NaN {@code 0x7E00} with its sign, as ggml does. */
    public static short floatToHalf(float f) {
        if (Float.isNaN(f)) {
            return (short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** IEEE half bits to float (exact). */
    public static float halfToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /**
     * Float to bfloat16 bits: round-to-nearest-even on the upper 16 bits; a NaN keeps its upper bits and
     * is forced quiet (bit 6 of the result), as {@code GGML_FP32_TO_BF16}.
     */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /** bfloat16 bits to float (exact). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
