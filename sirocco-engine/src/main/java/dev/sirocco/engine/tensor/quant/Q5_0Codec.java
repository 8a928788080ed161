package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: blocks of 32 as {@code f16 d}, a 32-bit word of fifth bits (bit j for element j), then 16 bytes
 * of low nibbles (element j low, j+16 high); x = d * (q - 16). Dotted with Q8_0 activations.
 */
public final class Q5_0Codec implements BlockCodec {
    public static final Q5_0Codec INSTANCE = new Q5_0Codec();
    static final int QK = 32;
    static final int BYTES = 22;

    private Q5_0Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
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
            int qh = Le.i32(src, b + 2);
            int y = dstOff + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = Le.u8(src, b + 6 + j);
                dst[y + j] = (((q & 0x0F) | xh0) - 16) * d;
                dst[y + j + QK / 2] = (((q >> 4) | xh1) - 16) * d;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q5_0_ref: d = (the value of largest magnitude) / -16, q = min(31, (int8)(x/d + 16.5)). */
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
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Le.putHalf(dst, b, d);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = src[x + j] * id;
                float x1 = src[x + QK / 2 + j] * id;
                int xi0 = Math.min(31, QuantMath.toInt8(x0 + 16.5f)) & 0xFF;
                int xi1 = Math.min(31, QuantMath.toInt8(x1 + 16.5f)) & 0xFF;
                Le.put8(dst, b + 6 + j, (xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            Le.put32(dst, b + 2, qh);
        }
    }

    /**
     * ggml_vec_dot_q5_0_q8_0 as llama.cpp's AVX2 build computes it: per block, weight d * activation d fused into 8
     * float lanes, lane l taking the exact sum of (q5 - 16) * quant over elements 4l..4l+3; then the lanes' hsum tree.
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

    /** The exact sum of (q5 - 16) * quant over elements 4l..4l+3; bit e of qh is element e's fifth bit. */
    private static int lane(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        int qh = Le.i32(w, bx + 2);
        int sum = 0;
        for (int e = 4 * l; e < 4 * l + 4; e++) {
            int q = e < QK / 2 ? Le.u8(w, bx + 6 + e) & 0x0F : Le.u8(w, bx + 6 + e - QK / 2) >> 4;
            sum += ((q | (((qh >>> e) & 1) << 4)) - 16) * Le.s8(a, by + 2 + e);
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
            long by = aOff + (long) i * Q8_0Codec.BYTES;
            int qh = Le.i32(w, bx + 2);
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = Le.u8(w, bx + 6 + j);
                int x0 = ((q & 0x0F) | xh0) - 16;
                int x1 = ((q >> 4) | xh1) - 16;
                sumi0 += x0 * Le.s8(a, by + 2 + j);
                sumi1 += x1 * Le.s8(a, by + 2 + j + QK / 2);
            }
            int sumi = sumi0 + sumi1;
            sumf += (Le.half(w, bx) * Le.half(a, by)) * sumi;
        }
        return sumf;
    }
}
