package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Q3_K: super-blocks of 256 = 16 sub-blocks of 16, as 32 bytes of high bits (bit c of byte l for element
 * 32c + l; a clear bit subtracts 4), 64 bytes of low 2-bit quants (laid out as Q2_K), 12 bytes of 6-bit
 * scales (low nibbles in bytes 0..7, top pairs in bytes 8..11), then {@code f16 d};
 * x = d * (scale - 32) * q with q in -4..3. Dotted with Q8_K activations.
 */
public final class Q3KCodec implements BlockCodec {
    public static final Q3KCodec INSTANCE = new Q3KCodec();
    static final int QK = 256;
    static final int BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    private Q3KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The signed 3-bit quant (-4..3) of element p (0..255) of the super-block at b. */
    private static int q3(MemorySegment s, long b, int p) {
        int l = p & 31;
        int low = (Le.u8(s, b + QS + 32L * (p >> 7) + l) >> (2 * ((p >> 5) & 3))) & 3;
        boolean high = ((Le.u8(s, b + l) >> (p >> 5)) & 1) != 0;
        return low - (high ? 0 : 4);
    }

    /** The signed 3-bit quant from bit pair {@code shift} of the byte at qs and high bit {@code hbit} of the byte at hm. */
    private static int q3(MemorySegment s, long qs, long hm, int shift, int hbit) {
        return ((Le.u8(s, qs) >> shift) & 3) - (((Le.u8(s, hm) >> hbit) & 1) != 0 ? 0 : 4);
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float dAll = Le.half(src, b + D);
            int y = dstOff + i * QK;
            for (int g = 0; g < 16; g++) {
                float dl = dAll * (QuantMath.scaleQ3K(g, src, b + SCALES) - 32);
                for (int l = 0; l < 16; l++) {
                    int p = 16 * g + l;
                    dst[y + p] = dl * q3(src, b, p);
                }
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q3_K_ref: make_q3_quants(16, 4) per sub-block, 6-bit signed scales, then requantize. */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        int[] L = new int[QK];
        float[] scales = new float[QK / 16];
        int[] sc = new int[12];
        int[] hmask = new int[32];
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < QK / 16; ++j) {
                scales[j] = QuantMath.makeQ3Quants(16, 4, src, x + 16 * j, L, 16 * j, true);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            Arrays.fill(sc, 0);
            short d16;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < QK / 16; ++j) {
                    int l = (byte) QuantMath.nearestInt(iscale * scales[j]); // ggml keeps it in an int8_t
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        sc[j] = l & 0xF;
                    } else {
                        sc[j - 8] |= (l & 0xF) << 4;
                    }
                    l >>= 4;
                    sc[j % 4 + 8] |= l << (2 * (j / 4));
                }
                d16 = HalfFloat.floatToHalf(1 / iscale);
            } else {
                d16 = HalfFloat.floatToHalf(0.f);
            }
            for (int j = 0; j < 12; j++) {
                sc[j] &= 0xFF;
            }
            for (int j = 0; j < QK / 16; ++j) {
                int low = j < 8 ? sc[j] & 0xF : sc[j - 8] >> 4;
                int s = (low | (((sc[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
                float d = HalfFloat.halfToFloat(d16) * s;
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(src[x + 16 * j + ii] / d);
                    l = Math.max(-4, Math.min(3, l));
                    L[16 * j + ii] = l + 4;
                }
            }
            Arrays.fill(hmask, 0);
            int m = 0;
            int hm = 1;
            for (int j = 0; j < QK; ++j) {
                if (L[j] > 3) {
                    hmask[m] |= hm;
                    L[j] -= 4;
                }
                if (++m == QK / 8) {
                    m = 0;
                    hm <<= 1;
                }
            }
            for (int j = 0; j < 32; j++) {
                Le.put8(dst, b + j, hmask[j]);
            }
            for (int j = 0; j < QK; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    Le.put8(dst, b + QS + j / 4 + l,
                            L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
            for (int j = 0; j < 12; j++) {
                Le.put8(dst, b + SCALES + j, sc[j]);
            }
            Le.put16(dst, b + D, d16);
        }
    }

    /** ggml_vec_dot_q3_K_q8_K_generic: 8 integer lanes per super-block, scaled into 8 float lanes summed last. */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float sumf = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            long q8 = by + Q8KCodec.QS;
            int a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            // Element 128h + 32c + l; lane = l % 8 as in ggml's aux32 (every group of 8 starts at a multiple of 8).
            for (int h = 0; h < 2; h++) {
                long qs = bx + QS + 32L * h;
                for (int c = 0; c < 4; c++) {
                    int shift = 2 * c;
                    int hbit = 4 * h + c;
                    long e = q8 + 128L * h + 32L * c;
                    for (int l = 0; l < 32; l += 8) {
                        int scale = QuantMath.scaleQ3K(8 * h + 2 * c + (l >> 4), w, bx + SCALES) - 32;
                        a0 += scale * (Le.s8(a, e + l) * q3(w, qs + l, bx + l, shift, hbit));
                        a1 += scale * (Le.s8(a, e + l + 1) * q3(w, qs + l + 1, bx + l + 1, shift, hbit));
                        a2 += scale * (Le.s8(a, e + l + 2) * q3(w, qs + l + 2, bx + l + 2, shift, hbit));
                        a3 += scale * (Le.s8(a, e + l + 3) * q3(w, qs + l + 3, bx + l + 3, shift, hbit));
                        a4 += scale * (Le.s8(a, e + l + 4) * q3(w, qs + l + 4, bx + l + 4, shift, hbit));
                        a5 += scale * (Le.s8(a, e + l + 5) * q3(w, qs + l + 5, bx + l + 5, shift, hbit));
                        a6 += scale * (Le.s8(a, e + l + 6) * q3(w, qs + l + 6, bx + l + 6, shift, hbit));
                        a7 += scale * (Le.s8(a, e + l + 7) * q3(w, qs + l + 7, bx + l + 7, shift, hbit));
                    }
                }
            }
            float d = Le.half(w, bx + D) * Le.f32(a, by);
            s0 += d * a0;
            s1 += d * a1;
            s2 += d * a2;
            s3 += d * a3;
            s4 += d * a4;
            s5 += d * a5;
            s6 += d * a6;
            s7 += d * a7;
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
}
