package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K: super-blocks of 256 = 8 sub-blocks of 32, as {@code f16 d}, {@code f16 dmin}, 12 bytes of
 * 6-bit scales and mins (as Q4_K), 32 bytes of fifth bits (bit c of byte l for element 32c + l), then
 * 128 bytes of low nibbles laid out as Q4_K; x = d * scale * q - dmin * min. Dotted with Q8_K activations.
 */
public final class Q5KCodec implements BlockCodec {
    public static final Q5KCodec INSTANCE = new Q5KCodec();
    static final int QK = 256;
    static final int BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    private Q5KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float d = Le.half(src, b);
            float min = Le.half(src, b + 2);
            int y = dstOff + i * QK;
            int u1 = 1;
            int u2 = 2;
            for (int j = 0; j < 4; j++) {
                float d1 = d * QuantMath.scaleK4(2 * j, src, b + SCALES);
                float m1 = min * QuantMath.minK4(2 * j, src, b + SCALES);
                float d2 = d * QuantMath.scaleK4(2 * j + 1, src, b + SCALES);
                float m2 = min * QuantMath.minK4(2 * j + 1, src, b + SCALES);
                long ql = b + QS + 32L * j;
                for (int l = 0; l < 32; l++) {
                    int h = (Le.u8(src, b + QH + l) & u1) != 0 ? 16 : 0;
                    dst[y + 64 * j + l] = d1 * ((Le.u8(src, ql + l) & 0xF) + h) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    int h = (Le.u8(src, b + QH + l) & u2) != 0 ? 16 : 0;
                    dst[y + 64 * j + 32 + l] = d2 * ((Le.u8(src, ql + l) >> 4) + h) - m2;
                }
                u1 <<= 2;
                u2 <<= 2;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q5_K_ref: as Q4_K with 32 levels and a shorter scale search. */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        int[] L = new int[QK];
        int[] lAux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[QK / 32];
        float[] scales = new float[QK / 32];
        byte[] sc = new byte[12];
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK / 32; ++j) {
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) {
                    sumX2 += src[x + 32 * j + l] * src[x + 32 * j + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) {
                    weights[l] = avX + Math.abs(src[x + 32 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(32, 31, src, x + 32 * j, weights, L, 32 * j, mins, j, lAux,
                        -0.5f, 0.1f, 15, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            Q4KCodec.packScalesAndMins(scales, mins, maxScale, maxMin, sc);
            short d16 = HalfFloat.floatToHalf(maxScale / 63.f);
            short dmin16 = HalfFloat.floatToHalf(maxMin / 63.f);
            for (int j = 0; j < QK / 32; ++j) {
                float d = HalfFloat.halfToFloat(d16) * QuantMath.scaleK4(j, sc);
                if (d == 0) {
                    continue;
                }
                float dm = HalfFloat.halfToFloat(dmin16) * QuantMath.minK4(j, sc);
                for (int ii = 0; ii < 32; ++ii) {
                    int l = QuantMath.nearestInt((src[x + 32 * j + ii] + dm) / d);
                    L[32 * j + ii] = Math.max(0, Math.min(31, l));
                }
            }
            Le.put16(dst, b, d16);
            Le.put16(dst, b + 2, dmin16);
            MemorySegment.copy(MemorySegment.ofArray(sc), 0, dst, b + SCALES, 12);
            int[] qh = new int[32];
            int m1 = 1;
            int m2 = 2;
            for (int nn = 0; nn < QK; nn += 64) {
                for (int j = 0; j < 32; ++j) {
                    int l1 = L[nn + j];
                    if (l1 > 15) {
                        l1 -= 16;
                        qh[j] |= m1;
                    }
                    int l2 = L[nn + j + 32];
                    if (l2 > 15) {
                        l2 -= 16;
                        qh[j] |= m2;
                    }
                    Le.put8(dst, b + QS + nn / 2 + j, l1 | (l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
            }
            for (int j = 0; j < 32; j++) {
                Le.put8(dst, b + QH + j, qh[j]);
            }
        }
    }

    /** ggml_vec_dot_q5_K_q8_K_generic: as Q4_K with the fifth bit added to each quant. */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float sumf = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            long q8 = by + Q8KCodec.QS;
            int sumi = 0;
            for (int j = 0; j < QK / 16; ++j) {
                sumi += Q8KCodec.bsum(a, by, j) * QuantMath.minK4(j / 2, w, bx + SCALES);
            }
            int a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            for (int sub = 0; sub < 8; sub++) {
                int scale = QuantMath.scaleK4(sub, w, bx + SCALES);
                long q4 = bx + QS + 32L * (sub >> 1);
                int shift = (sub & 1) * 4;
                for (int p = 0; p < 32; p += 8) {
                    long e = 32L * sub + p;
                    a0 += scale * (Le.s8(a, q8 + e) * q5(w, q4, bx, p, shift, sub));
                    a1 += scale * (Le.s8(a, q8 + e + 1) * q5(w, q4, bx, p + 1, shift, sub));
                    a2 += scale * (Le.s8(a, q8 + e + 2) * q5(w, q4, bx, p + 2, shift, sub));
                    a3 += scale * (Le.s8(a, q8 + e + 3) * q5(w, q4, bx, p + 3, shift, sub));
                    a4 += scale * (Le.s8(a, q8 + e + 4) * q5(w, q4, bx, p + 4, shift, sub));
                    a5 += scale * (Le.s8(a, q8 + e + 5) * q5(w, q4, bx, p + 5, shift, sub));
                    a6 += scale * (Le.s8(a, q8 + e + 6) * q5(w, q4, bx, p + 6, shift, sub));
                    a7 += scale * (Le.s8(a, q8 + e + 7) * q5(w, q4, bx, p + 7, shift, sub));
                }
            }
            float d = Le.half(w, bx) * Le.f32(a, by);
            s0 += d * a0;
            s1 += d * a1;
            s2 += d * a2;
            s3 += d * a3;
            s4 += d * a4;
            s5 += d * a5;
            s6 += d * a6;
            s7 += d * a7;
            float dmin = Le.half(w, bx + 2) * Le.f32(a, by);
            sumf -= dmin * sumi;
        }
        sumf += s0;
        sumf += s1;
        sumf += s2;
        sumf += s3;
        sumf += s4;
        sumf += s5;
        sumf += s6;
        sumf += s7;
        return sumf;
    }

    /** The 5-bit quant at position l of sub-block sub: a nibble of byte q4 + l, plus 16 when bit sub of qh[l] is set. */
    private static int q5(MemorySegment w, long q4, long bx, int l, int shift, int sub) {
        return ((Le.u8(w, q4 + l) >> shift) & 0xF) + (((Le.u8(w, bx + QH + l) >> sub) & 1) << 4);
    }
}
