package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1: blocks of 32 as {@code f16 d}, {@code f16 m}, then 16 bytes of nibbles (element j low, j+16 high);
 * x = d * q + m. Dotted with Q8_1 activations.
 */
public final class Q4_1Codec implements BlockCodec {
    public static final Q4_1Codec INSTANCE = new Q4_1Codec();
    static final int QK = 32;
    static final int BYTES = 20;

    private Q4_1Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_1;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float d = Le.half(src, b);
            float m = Le.half(src, b + 2);
            int y = dstOff + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, b + 4 + j);
                dst[y + j] = (q & 0x0F) * d + m;
                dst[y + j + QK / 2] = (q >> 4) * d + m;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_1_ref: d = (max - min) / 15, m = min, q = min(15, (int8)((x - min)/d + 0.5)). */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(dst, b, d);
            Le.putHalf(dst, b + 2, min);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (src[x + j] - min) * id;
                float x1 = (src[x + QK / 2 + j] - min) * id;
                int xi0 = Math.min(15, QuantMath.toInt8(x0 + 0.5f));
                int xi1 = Math.min(15, QuantMath.toInt8(x1 + 0.5f));
                Le.put8(dst, b + 4 + j, (xi0 & 0xFF) | (xi1 << 4));
            }
        }
    }

    /**
     * ggml_vec_dot_q4_1_q8_1 as llama.cpp's AVX2 build computes it: per block, weight d * activation d fused into 8
     * float lanes, lane l taking the exact sum of nibble * quant over elements 4l..4l+3, and m * s summed apart in
     * float; then the lanes' hsum tree plus that sum.
     */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        float summs = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8_1Codec.BYTES;
            summs += Le.half(w, bx + 2) * Le.half(a, by + 2);
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
        return (((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))) + summs;
    }

    /** The exact sum of nibble * quant over elements 4l..4l+3 (bytes_from_nibbles_32 order). */
    private static int lane(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        int sum = 0;
        for (int e = 4 * l; e < 4 * l + 4; e++) {
            int q = e < QK / 2 ? Le.u8(w, bx + 4 + e) & 0x0F : Le.u8(w, bx + 4 + e - QK / 2) >> 4;
            sum += q * Le.s8(a, by + 4 + e);
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
            long by = aOff + (long) i * Q8_1Codec.BYTES;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, bx + 4 + j);
                sumi0 += (q & 0x0F) * Le.s8(a, by + 4 + j);
                sumi1 += (q >> 4) * Le.s8(a, by + 4 + j + QK / 2);
            }
            int sumi = sumi0 + sumi1;
            sumf += (Le.half(w, bx) * Le.half(a, by)) * sumi + Le.half(w, bx + 2) * Le.half(a, by + 2);
        }
        return sumf;
    }
}
