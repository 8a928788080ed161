package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Rounds activation rows to a weight format's companion ({@code vec_dot_type}) exactly as ggml's CPU
 * backend does on x86-64 with AVX2 ({@code type_traits_cpu[...].from_float}): there Q8_0 and Q8_1 use
 * the hand-written AVX path (ggml-cpu/arch/x86/quants.c: scale {@code 127/amax}, round half to even),
 * which differs from the {@code _ref} quantizers (scale {@code 1/(amax/127)}, round half away from zero);
 * Q8_K uses {@code quantize_row_q8_K_ref}; F16 and BF16 round to nearest even.
 */
public final class ActivationQuantizer {
    private ActivationQuantizer() {
    }

    /** Writes {@code n} activations {@code x[off ..]} in {@code type} at {@code dst[dstOff ..]}. */
    public static void quantize(GgmlType type, float[] x, int off, int n, MemorySegment dst, long dstOff) {
        quantize(type, x, off, n, dst, dstOff, false);
    }

    /**
     * As {@link #quantize}, for a row that llama.cpp's repacked gemm kernels take in a tile of four when
     * {@code gemmRow}: their 4-row quantizer rounds Q8_K as {@link #q8_KGemmRow} (Q8_0 as {@link #q8_0}).
     */
    public static void quantize(GgmlType type, float[] x, int off, int n, MemorySegment dst, long dstOff, boolean gemmRow) {
        if (gemmRow && type == GgmlType.Q8_K) {
            q8_KGemmRow(x, off, n, dst, dstOff);
            return;
        }
        switch (type) {
            case F32 -> F32Codec.INSTANCE.quantize(x, off, n, dst, dstOff);
            case F16 -> F16Codec.INSTANCE.quantize(x, off, n, dst, dstOff);
            case BF16 -> BF16Codec.INSTANCE.quantize(x, off, n, dst, dstOff);
            case Q8_0 -> q8_0(x, off, n, dst, dstOff);
            case Q8_1 -> q8_1(x, off, n, dst, dstOff);
            case Q8_K -> q8_K(x, off, n, dst, dstOff);
            default -> throw new IllegalArgumentException(type + " is not an activation format");
        }
    }

    /** The largest |x| of a block, as the AVX max reduction finds it (NaNs aside). */
    private static float amax(float[] x, int from, int len) {
        float m = 0.0f;
        for (int j = 0; j < len; j++) {
            m = Math.max(m, Math.abs(x[from + j]));
        }
        return m;
    }

    /** {@code _mm256_round_ps(_MM_ROUND_NEAREST)}, {@code cvtps_epi32}, then the saturating packs to int8. */
    private static int roundSaturate(float v) {
        float r = (float) Math.rint(v);
        int i = Float.isNaN(r) || Math.abs(r) >= 2147483648f ? Integer.MIN_VALUE : (int) r;
        return Math.max(-128, Math.min(127, i));
    }

    /** x86 AVX2 {@code quantize_row_q8_0}: d = amax/127 (stored as f16), q = rint(x * (127/amax)). */
    public static void q8_0(float[] x, int off, int n, MemorySegment dst, long dstOff) {
        int nb = Q8_0Codec.INSTANCE.blocks(n);
        for (int i = 0; i < nb; i++) {
            int from = off + i * 32;
            long b = dstOff + (long) i * Q8_0Codec.BYTES;
            float max = amax(x, from, 32);
            float d = max / 127.f;
            Le.putHalf(dst, b, d);
            float id = max != 0.0f ? 127.f / max : 0.0f;
            for (int j = 0; j < 32; j++) {
                Le.put8(dst, b + 2 + j, roundSaturate(x[from + j] * id));
            }
        }
    }

    /** x86 AVX2 {@code quantize_row_q8_1}: as {@link #q8_0}, plus s = f16(d * sum(q)) with d the unrounded float scale. */
    public static void q8_1(float[] x, int off, int n, MemorySegment dst, long dstOff) {
        int nb = Q8_1Codec.INSTANCE.blocks(n);
        for (int i = 0; i < nb; i++) {
            int from = off + i * 32;
            long b = dstOff + (long) i * Q8_1Codec.BYTES;
            float max = amax(x, from, 32);
            float d = max / 127.f;
            Le.putHalf(dst, b, d);
            float id = max != 0.0f ? 127.f / max : 0.0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                float r = (float) Math.rint(x[from + j] * id);
                int q = Float.isNaN(r) || Math.abs(r) >= 2147483648f ? Integer.MIN_VALUE : (int) r;
                sum += q; // summed as int32, before the packs saturate
                Le.put8(dst, b + 4 + j, Math.max(-128, Math.min(127, q)));
            }
            Le.putHalf(dst, b + 2, d * sum);
        }
    }

    /**
     * {@code quantize_row_q8_K_ref}: d = (the value of largest magnitude) / -127 as f32,
     * q = min(127, nearest_int(x / d)), and the 16 block sums. An all-zero block gets d = 0 and zero sums
     * (ggml leaves its sums unwritten there; they never matter since d = 0).
     */
    public static void q8_K(float[] x, int off, int n, MemorySegment dst, long dstOff) {
        q8_K(x, off, n, dst, dstOff, false);
    }

    /**
     * One row of the AVX2 {@code ggml_quantize_mat_q8_K_4x8}, which rounds the activation rows that llama.cpp's
     * repacked gemm kernels take four at a time: {@link #q8_K} except that where +amax and -amax both occur the
     * positive one sets the sign of d (q8_K takes the first), so the quants come out negated there.
     */
    public static void q8_KGemmRow(float[] x, int off, int n, MemorySegment dst, long dstOff) {
        q8_K(x, off, n, dst, dstOff, true);
    }

    private static void q8_K(float[] x, int off, int n, MemorySegment dst, long dstOff, boolean positiveWinsTies) {
        int nb = Q8KCodec.INSTANCE.blocks(n);
        for (int i = 0; i < nb; i++) {
            int from = off + i * 256;
            long b = dstOff + (long) i * Q8KCodec.BYTES;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[from + j]);
                if (ax > amax || (positiveWinsTies && ax == amax && x[from + j] > 0)) {
                    amax = ax;
                    max = x[from + j];
                }
            }
            if (amax == 0) {
                Le.putF32(dst, b, 0);
                dst.asSlice(b + Q8KCodec.QS, 256 + 32).fill((byte) 0);
                continue;
            }
            float iscale = -127.f / max;
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 16 * g; j < 16 * g + 16; j++) {
                    int v = Math.min(127, QuantMath.nearestInt(iscale * x[from + j]));
                    byte q = (byte) v;
                    sum += q;
                    Le.put8(dst, b + Q8KCodec.QS + j, q);
                }
                Le.put16(dst, b + Q8KCodec.BSUMS + 2L * g, sum);
            }
            Le.putF32(dst, b, 1 / iscale);
        }
    }
}
