package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q8_0: blocks of 32 as {@code f16 d} then 32 signed bytes; x = d * q.
 * Encodes as quantize_row_q8_0_ref (round half away from zero); activations use
 * {@link ActivationQuantizer#q8_0} instead, which rounds like the AVX2 path.
 */
public final class Q8_0Codec implements BlockCodec {
    public static final Q8_0Codec INSTANCE = new Q8_0Codec();
    static final int QK = 32;
    static final int BYTES = 34;

    private Q8_0Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
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
            for (int j = 0; j < QK; j++) {
                dst[dstOff + i * QK + j] = Le.s8(src, b + 2 + j) * d;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float amax = 0.0f;
            for (int j = 0; j < QK; j++) {
                float a = Math.abs(src[x + j]);
                amax = amax > a ? amax : a; // C's MAX macro: a NaN loses
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(dst, b, d);
            for (int j = 0; j < QK; j++) {
                Le.put8(dst, b + 2 + j, QuantMath.toInt8(QuantMath.roundf(src[x + j] * id)));
            }
        }
    }

    /**
     * ggml_vec_dot_q8_0_q8_0 as llama.cpp's AVX2 build computes it (Q8_0 weights are never repacked there): per
     * block, d = weight d * activation d fused into 8 float lanes, lane l taking the exact sum of elements
     * 4l..4l+3; then the lanes' hsum tree.
     */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * BYTES;
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

    /** The exact sum of weight * activation quants over elements 4l..4l+3 of the block. */
    private static int lane(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        int sum = 0;
        for (int e = 4 * l; e < 4 * l + 4; e++) {
            sum += Le.s8(w, bx + 2 + e) * Le.s8(a, by + 2 + e);
        }
        return sum;
    }

    /**
     * ggml's generic (reference C) order of the same dot product, which its golden vectors pin; llama.cpp's x86
     * builds run {@link #dot}'s AVX2 order instead, and the two differ in the last bits.
     */
    float dotGeneric(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float sumf = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * BYTES;
            int sumi = 0;
            for (int j = 0; j < QK; j++) {
                sumi += Le.s8(w, bx + 2 + j) * Le.s8(a, by + 2 + j);
            }
            sumf += sumi * (Le.half(w, bx) * Le.half(a, by));
        }
        return sumf;
    }
}
