package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: blocks of 32 as {@code f16 d} then 16 bytes; byte j holds element j in its low nibble and
 * element j+16 in its high nibble; x = d * (q - 8). Dotted with Q8_0 activations.
 */
public final class Q4_0Codec implements BlockCodec {
    public static final Q4_0Codec INSTANCE = new Q4_0Codec();
    static final int QK = 32;
    static final int BYTES = 18;

    private Q4_0Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float d = Le.half(src, b);
            int y = dstOff + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, b + 2 + j);
                dst[y + j] = ((q & 0x0F) - 8) * d;
                dst[y + j + QK / 2] = ((q >> 4) - 8) * d;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_0_ref: d = (the value of largest magnitude) / -8, q = min(15, (int8)(x/d + 8.5)). */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float amax = 0.0f;
            float max = 0.0f;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(dst, b, d);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = src[x + j] * id;
                float x1 = src[x + QK / 2 + j] * id;
                int xi0 = Math.min(15, QuantMath.toInt8(x0 + 8.5f));
                int xi1 = Math.min(15, QuantMath.toInt8(x1 + 8.5f));
                Le.put8(dst, b + 2 + j, (xi0 & 0xFF) | (xi1 << 4));
            }
        }
    }

    /**
     * The dot product as llama.cpp's AVX2 kernels for repacked Q4_0 weights take it (ggml_gemv/gemm_q4_0_8x8_q8_0
     * in arch/x86/repack.cpp; see {@code RepackedWeights}): each block's exact integer sum times
     * (weight d * activation d) into one fused float chain. Batches ({@code gemm}) step it the same way.
     */
    @Override
    public float repackedDot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n, boolean gemm) {
        int nb = blocks(n);
        float acc = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8_0Codec.BYTES;
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, bx + 2 + j);
                sumi += ((q & 0x0F) - 8) * Le.s8(a, by + 2 + j) + ((q >> 4) - 8) * Le.s8(a, by + 2 + j + QK / 2);
            }
            acc = Math.fma((float) sumi, Le.half(w, bx) * Le.half(a, by), acc);
        }
        return acc;
    }

    /**
     * ggml_vec_dot_q4_0_q8_0 as llama.cpp's AVX2 build computes it for weights it does not repack
     * (tensor.RepackedWeights): per block, d = weight d * activation d, fused into 8 float lanes, lane l taking the
     * exact sum of elements 4l..4l+3; then the lanes' hsum tree.
     */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8_0Codec.BYTES;
            float d = Le.half(w, bx) * Le.half(a, by);
            a0 = Math.fma(d, lane(w, bx, a, by, 0), a0);
            a1 = Math.fma(d, lane(w, bx, a, by, 1), a1);
            a2 = Math.fma(d, lane(w, bx, a, by, 2), a2);
            a3 = Math.fma(d, lane(w, bx, a, by, 3), a3);
            a4 = Math.fma(d, lane(w, bx, a, by, 4), a4);
            a5 = Math.fma(d, lane(w, bx, a, by, 5), a5);
            a6 = Math.fma(d, lane(w, bx, a, by, 6), a6);
            a7 = Math.fma(d, lane(w, bx, a, by, 7), a7);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
    }

    /** The exact sum of (q - 8) * activation over elements 4l..4l+3 of the block (bytes_from_nibbles_32 order). */
    private static int lane(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        int sum = 0;
        for (int e = 4 * l; e < 4 * l + 4; e++) {
            int q = e < QK / 2 ? Le.u8(w, bx + 2 + e) & 0x0F : Le.u8(w, bx + 2 + e - QK / 2) >> 4;
            sum += (q - 8) * Le.s8(a, by + 2 + e);
        }
        return sum;
    }

    /**
     * ggml's generic (reference C) order of the same dot product, which its golden vectors pin; llama.cpp's x86
     * builds run {@link #dot}'s AVX2 order (or {@link #repackedDot}'s) instead, and they differ in the last bits.
     */
    float dotGeneric(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float sumf = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8_0Codec.BYTES;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, bx + 2 + j);
                int v0 = (q & 0x0F) - 8;
                int v1 = (q >> 4) - 8;
                sumi0 += v0 * Le.s8(a, by + 2 + j);
                sumi1 += v1 * Le.s8(a, by + 2 + j + QK / 2);
            }
            int sumi = sumi0 + sumi1;
            sumf += sumi * Le.half(w, bx) * Le.half(a, by);
        }
        return sumf;
    }
}
