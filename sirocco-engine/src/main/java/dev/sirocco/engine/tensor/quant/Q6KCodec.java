package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K: super-blocks of 256 = 16 sub-blocks of 16, as 128 bytes of low nibbles, 64 bytes of high
 * 2-bit pairs, 16 signed 8-bit scales, then {@code f16 d}; x = d * scale * (q - 32). Each half of 128
 * elements uses 64 low-nibble bytes ql and 32 high bytes qh: element 32c + l takes, for c = 0, 1, 2, 3,
 * the low nibble of ql[l], the low nibble of ql[l + 32], the high nibble of ql[l], the high nibble of
 * ql[l + 32], with bits 2c..2c+1 of qh[l] on top. Dotted with Q8_K activations.
 */
public final class Q6KCodec implements BlockCodec {
    public static final Q6KCodec INSTANCE = new Q6KCodec();
    static final int QK = 256;
    static final int BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    private Q6KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The 6-bit quant, minus 32, from a nibble of the byte at ql (shifted by ls) and a bit pair of the byte at qh (shifted by hs). */
    private static int q6(MemorySegment s, long ql, long qh, int ls, int hs) {
        return (((Le.u8(s, ql) >> ls) & 0xF) | (((Le.u8(s, qh) >> hs) & 3) << 4)) - 32;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        // From a byte array copy of the blocks, a 32-element run at a time (see Q4KCodec.dequantize for why).
        int nb = blocks(n);
        byte[] blocks = new byte[nb * BYTES];
        MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_BYTE, srcOff, blocks, 0, blocks.length);
        for (int i = 0; i < nb; i++) {
            int b = i * BYTES;
            float d = Float.float16ToFloat((short) ((blocks[b + D] & 0xFF) | (blocks[b + D + 1] << 8)));
            int y = dstOff + i * QK;
            for (int half = 0; half < 2; half++) {
                for (int c = 0; c < 4; c++) {
                    // elements p = 128 half + 32 c + l: a nibble of ql[64 half + l (+ 32 for c = 1, 3)], bit pair c of qh[32 half + l]
                    int ql = b + 64 * half + ((c & 1) << 5);
                    int qh = b + QH + 32 * half;
                    int shift = c < 2 ? 0 : 4;
                    int o = y + 128 * half + 32 * c;
                    for (int l = 0; l < 32; l++) {
                        int q = ((((blocks[ql + l] & 0xFF) >> shift) & 0xF) | (((blocks[qh + l] >> (2 * c)) & 3) << 4)) - 32;
                        dst[o + l] = d * blocks[b + SCALES + ((o - y + l) >> 4)] * q;
                    }
                }
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q6_K_ref: make_qx_quants(16, 32, rmse_type 1) per sub-block, 8-bit scales, then requantize. */
    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        int nb = blocks(n);
        int[] L = new int[QK];
        float[] scales = new float[QK / 16];
        byte[] sc = new byte[QK / 16];
        for (int i = 0; i < nb; i++) {
            int x = srcOff + i * QK;
            long b = dstOff + (long) i * BYTES;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK / 16; ++ib) {
                float scale = QuantMath.makeQxQuants(16, 32, src, x + 16 * ib, L, 16 * ib, 1);
                scales[ib] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < QuantMath.GROUP_MAX_EPS) {
                dst.asSlice(b, BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128.f / maxScale;
            short d16 = HalfFloat.floatToHalf(1 / iscale);
            for (int ib = 0; ib < QK / 16; ++ib) {
                sc[ib] = (byte) Math.min(127, QuantMath.nearestInt(iscale * scales[ib]));
            }
            for (int j = 0; j < QK / 16; ++j) {
                float d = HalfFloat.halfToFloat(d16) * sc[j];
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(src[x + 16 * j + ii] / d);
                    l = Math.max(-32, Math.min(31, l));
                    L[16 * j + ii] = l + 32;
                }
            }
            for (int j = 0; j < QK; j += 128) {
                long ql = b + j / 2;
                long qh = b + QH + j / 4;
                for (int l = 0; l < 32; ++l) {
                    int q1 = L[j + l] & 0xF;
                    int q2 = L[j + l + 32] & 0xF;
                    int q3 = L[j + l + 64] & 0xF;
                    int q4 = L[j + l + 96] & 0xF;
                    Le.put8(dst, ql + l, q1 | (q3 << 4));
                    Le.put8(dst, ql + l + 32, q2 | (q4 << 4));
                    Le.put8(dst, qh + l, (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2)
                            | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
                }
            }
            MemorySegment.copy(MemorySegment.ofArray(sc), 0, dst, b + SCALES, 16);
            Le.put16(dst, b + D, d16);
        }
    }

    /** ggml_vec_dot_q6_K_q8_K_generic: 8 integer lanes per super-block, scaled into 8 float lanes summed last. */
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
                long qh = bx + QH + 32L * h;
                for (int c = 0; c < 4; c++) {
                    long ql = bx + 64L * h + ((c & 1) << 5);
                    int ls = c < 2 ? 0 : 4;
                    int hs = 2 * c;
                    long e = q8 + 128L * h + 32L * c;
                    for (int l = 0; l < 32; l += 8) {
                        int scale = Le.s8(w, bx + SCALES + 8 * h + 2 * c + (l >> 4));
                        a0 += scale * (Le.s8(a, e + l) * q6(w, ql + l, qh + l, ls, hs));
                        a1 += scale * (Le.s8(a, e + l + 1) * q6(w, ql + l + 1, qh + l + 1, ls, hs));
                        a2 += scale * (Le.s8(a, e + l + 2) * q6(w, ql + l + 2, qh + l + 2, ls, hs));
                        a3 += scale * (Le.s8(a, e + l + 3) * q6(w, ql + l + 3, qh + l + 3, ls, hs));
                        a4 += scale * (Le.s8(a, e + l + 4) * q6(w, ql + l + 4, qh + l + 4, ls, hs));
                        a5 += scale * (Le.s8(a, e + l + 5) * q6(w, ql + l + 5, qh + l + 5, ls, hs));
                        a6 += scale * (Le.s8(a, e + l + 6) * q6(w, ql + l + 6, qh + l + 6, ls, hs));
                        a7 += scale * (Le.s8(a, e + l + 7) * q6(w, ql + l + 7, qh + l + 7, ls, hs));
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
