package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Q2_K: super-blocks of 256 = 16 sub-blocks of 16, as 16 bytes of (4-bit scale | 4-bit min << 4),
 * 64 bytes of 2-bit quants, {@code f16 d}, {@code f16 dmin}; x = d * scale * q - dmin * min. Each half
 * of 128 elements uses 32 bytes: element 32c + l takes bits 2c..2c+1 of byte l. Dotted with Q8_K activations.
 */
public final class Q2KCodec implements BlockCodec {
    public static final Q2KCodec INSTANCE = new Q2KCodec();
    static final int QK = 256;
    static final int BYTES = 84;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;

    private Q2KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The 2-bit quant of element p (0..255) of the super-block at b. */
    private static int q2(MemorySegment s, long b, int p) {
        return (Le.u8(s, b + QS + 32L * (p >> 7) + (p & 31)) >> (2 * ((p >> 5) & 3))) & 3;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float d = Le.half(src, b + D);
            float min = Le.half(src, b + DMIN);
            int y = dstOff + i * QK;
            for (int g = 0; g < 16; g++) {
                int sc = Le.u8(src, b + g);
                float dl = d * (sc & 0xF);
                float ml = min * (sc >> 4);
                for (int l = 0; l < 16; l++) {
                    int p = 16 * g + l;
                    dst[y + p] = dl * q2(src, b, p) - ml;
                }
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q2_K_ref: make_qkx2_quants(16, 3, weights |x|, absolute error) per sub-block, 4-bit scales and mins, then requantize. */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        int[] L = new int[QK];
        int[] lAux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[QK / 16];
        float[] scales = new float[QK / 16];
        int[] sc = new int[QK / 16];
        final float q4scale = 15.f;
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK / 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(src[x + 16 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(16, 3, src, x + 16 * j, weights, L, 16 * j, mins, j, lAux,
                        -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            short d16;
            short dmin16;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < QK / 16; ++j) {
                    sc[j] = QuantMath.nearestInt(iscale * scales[j]) & 0xFF;
                }
                d16 = HalfFloat.floatToHalf(maxScale / q4scale);
            } else {
                Arrays.fill(sc, 0);
                d16 = HalfFloat.floatToHalf(0.f);
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < QK / 16; ++j) {
                    int l = QuantMath.nearestInt(iscale * mins[j]);
                    sc[j] = (sc[j] | (l << 4)) & 0xFF;
                }
                dmin16 = HalfFloat.floatToHalf(maxMin / q4scale);
            } else {
                dmin16 = HalfFloat.floatToHalf(0.f);
            }
            for (int j = 0; j < QK / 16; ++j) {
                float d = HalfFloat.halfToFloat(d16) * (sc[j] & 0xF);
                if (d == 0) {
                    continue;
                }
                float dm = HalfFloat.halfToFloat(dmin16) * (sc[j] >> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt((src[x + 16 * j + ii] + dm) / d);
                    L[16 * j + ii] = Math.max(0, Math.min(3, l));
                }
            }
            for (int j = 0; j < QK / 16; ++j) {
                Le.put8(dst, b + j, sc[j]);
            }
            for (int j = 0; j < QK; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    Le.put8(dst, b + QS + j / 4 + l,
                            L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
            Le.put16(dst, b + D, d16);
            Le.put16(dst, b + DMIN, dmin16);
        }
    }

    /** ggml_vec_dot_q2_K_q8_K_generic: one integer sum per super-block, mins through the Q8_K block sums. */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        // ggml_vec_dot_q2_K_q8_K as llama.cpp's AVX2 build computes it (the haswell CPU variant has no AVX-512
        // repack for Q2_K, so prompts and single tokens both run it): per block, two fused multiply-adds into 8
        // float lanes, lane l taking the mins term of sub-blocks 2l, 2l+1 and the scaled quant products of bytes
        // 4l..4l+3 of every 32-quant group (exact ints); then the lanes' hsum tree.
        int nb = blocks(n);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            float yd = Le.f32(a, by);
            float d = yd * Le.half(w, bx + D);
            float dmin = -yd * Le.half(w, bx + DMIN);
            a0 = Math.fma(dmin, mins(w, bx, a, by, 0), a0);
            a1 = Math.fma(dmin, mins(w, bx, a, by, 1), a1);
            a2 = Math.fma(dmin, mins(w, bx, a, by, 2), a2);
            a3 = Math.fma(dmin, mins(w, bx, a, by, 3), a3);
            a4 = Math.fma(dmin, mins(w, bx, a, by, 4), a4);
            a5 = Math.fma(dmin, mins(w, bx, a, by, 5), a5);
            a6 = Math.fma(dmin, mins(w, bx, a, by, 6), a6);
            a7 = Math.fma(dmin, mins(w, bx, a, by, 7), a7);
            a0 = Math.fma(d, quants(w, bx, a, by, 0), a0);
            a1 = Math.fma(d, quants(w, bx, a, by, 1), a1);
            a2 = Math.fma(d, quants(w, bx, a, by, 2), a2);
            a3 = Math.fma(d, quants(w, bx, a, by, 3), a3);
            a4 = Math.fma(d, quants(w, bx, a, by, 4), a4);
            a5 = Math.fma(d, quants(w, bx, a, by, 5), a5);
            a6 = Math.fma(d, quants(w, bx, a, by, 6), a6);
            a7 = Math.fma(d, quants(w, bx, a, by, 7), a7);
        }
        float b0 = a0 + a4;
        float b1 = a1 + a5;
        float b2 = a2 + a6;
        float b3 = a3 + a7;
        return (b0 + b2) + (b1 + b3);
    }

    /** Lane l of the mins term: min(2l) * bsum(2l) + min(2l+1) * bsum(2l+1) (_mm256_madd_epi16). */
    private static int mins(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        return Q8KCodec.bsum(a, by, 2 * l) * (Le.u8(w, bx + 2 * l) >> 4)
                + Q8KCodec.bsum(a, by, 2 * l + 1) * (Le.u8(w, bx + 2 * l + 1) >> 4);
    }

    /** Lane l of the quant term: over the 8 groups of 32 quants, scale of the group's half times bytes 4l..4l+3. */
    private static int quants(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        long q8 = by + Q8KCodec.QS;
        int sum = 0;
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < 4; k++) {
                int base = 128 * j + 32 * k;
                int scale = Le.u8(w, bx + 8 * j + 2 * k + (l >> 2)) & 0xF;
                int dot = 0;
                for (int b = 4 * l; b < 4 * l + 4; b++) {
                    dot += Le.s8(a, q8 + base + b) * q2(w, bx, base + b);
                }
                sum += scale * dot;
            }
        }
        return sum;
    }

    /**
     * ggml's generic (reference C) order of the same dot product, which its golden vectors pin; llama.cpp's x86
     * builds run {@link #dot}'s AVX2 order instead, and the two differ in the last float bits.
     */
    float dotGeneric(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float sumf = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            long q8 = by + Q8KCodec.QS;
            int summs = 0;
            for (int j = 0; j < 16; ++j) {
                summs += Q8KCodec.bsum(a, by, j) * (Le.u8(w, bx + j) >> 4);
            }
            float yd = Le.f32(a, by);
            float dall = yd * Le.half(w, bx + D);
            float dmin = yd * Le.half(w, bx + DMIN);
            int isum = 0;
            for (int g = 0; g < 16; g++) {
                int d = Le.u8(w, bx + g) & 0xF;
                int isuml = 0;
                for (int l = 0; l < 16; l++) {
                    int p = 16 * g + l;
                    isuml += Le.s8(a, q8 + p) * q2(w, bx, p);
                }
                isum += d * isuml;
            }
            sumf += dall * isum - dmin * summs;
        }
        return sumf;
    }
}
