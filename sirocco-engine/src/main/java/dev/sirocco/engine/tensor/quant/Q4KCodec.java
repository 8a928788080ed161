package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Q4_K: super-blocks of 256 = 8 sub-blocks of 32, as {@code f16 d}, {@code f16 dmin}, 12 bytes of
 * 6-bit scales and mins (packed as ggml's get_scale_min_k4 reads them), then 128 bytes of nibbles
 * (each 64 elements: 32 low nibbles, then the 32 high nibbles of the same bytes);
 * x = d * scale * q - dmin * min. Dotted with Q8_K activations.
 */
public final class Q4KCodec implements BlockCodec {
    public static final Q4KCodec INSTANCE = new Q4KCodec();
    static final int QK = 256;
    static final int BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    private Q4KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        // The blocks are copied to a byte array first: reading them byte by byte from the segment (a bounds check
        // each) cost more than the arithmetic, and loops over an array vectorise.
        int nb = blocks(n);
        byte[] blocks = new byte[nb * BYTES];
        MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_BYTE, srcOff, blocks, 0, blocks.length);
        byte[] sc = new byte[12];
        for (int i = 0; i < nb; i++) {
            int b = i * BYTES;
            float d = Float.float16ToFloat((short) ((blocks[b] & 0xFF) | (blocks[b + 1] << 8)));
            float min = Float.float16ToFloat((short) ((blocks[b + 2] & 0xFF) | (blocks[b + 3] << 8)));
            System.arraycopy(blocks, b + SCALES, sc, 0, 12);
            int y = dstOff + i * QK;
            for (int j = 0; j < 4; j++) {
                float d1 = d * QuantMath.scaleK4(2 * j, sc);
                float m1 = min * QuantMath.minK4(2 * j, sc);
                float d2 = d * QuantMath.scaleK4(2 * j + 1, sc);
                float m2 = min * QuantMath.minK4(2 * j + 1, sc);
                int q = b + QS + 32 * j;
                int o = y + 64 * j;
                for (int l = 0; l < 32; l++) {
                    dst[o + l] = d1 * (blocks[q + l] & 0xF) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    dst[o + 32 + l] = d2 * ((blocks[q + l] & 0xFF) >> 4) - m2;
                }
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_K_ref: make_qkx2_quants per sub-block (weights rms + |x|), 6-bit scales and mins, then requantize. */
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
                scales[j] = QuantMath.makeQkx2Quants(32, 15, src, x + 32 * j, weights, L, 32 * j, mins, j, lAux,
                        -1.f, 0.1f, 20, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            packScalesAndMins(scales, mins, maxScale, maxMin, sc);
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
                    L[32 * j + ii] = Math.max(0, Math.min(15, l));
                }
            }
            Le.put16(dst, b, d16);
            Le.put16(dst, b + 2, dmin16);
            MemorySegment.copy(MemorySegment.ofArray(sc), 0, dst, b + SCALES, 12);
            for (int j = 0; j < QK; j += 64) {
                for (int l = 0; l < 32; ++l) {
                    Le.put8(dst, b + QS + j / 2 + l, L[j + l] | (L[j + l + 32] << 4));
                }
            }
        }
    }

    /** The 12-byte scale/min packing shared with Q5_K (6 bits each, with 63 as the largest). */
    static void packScalesAndMins(float[] scales, float[] mins, float maxScale, float maxMin, byte[] sc) {
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        Arrays.fill(sc, (byte) 0);
        for (int j = 0; j < 8; ++j) {
            int ls = Math.min(63, QuantMath.nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, QuantMath.nearestInt(invMin * mins[j]) & 0xFF);
            if (j < 4) {
                sc[j] = (byte) ls;
                sc[j + 4] = (byte) lm;
            } else {
                sc[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                sc[j - 4] |= (byte) ((ls >> 4) << 6);
                sc[j] |= (byte) ((lm >> 4) << 6);
            }
        }
    }

    /**
     * The dot product as llama.cpp's AVX2 kernels for repacked Q4_K weights take it (arch/x86/repack.cpp; see
     * {@code RepackedWeights}): exact integer sums of scale * nibble * quant and of min * block sum, each times
     * (weight d or dmin) * activation d into its own fused float chain, the mins' chain subtracted at the end.
     * {@code gemm} (ggml_gemm_q4_K_8x8_q8_K, activation rows taken four at a time) steps the chains every 64
     * elements, ggml_gemv_q4_K_8x8_q8_K (one row) every super-block of 256.
     */
    @Override
    public float repackedDot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n, boolean gemm) {
        int nb = blocks(n);
        float acc = 0;
        float accMin = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            long q8 = by + Q8KCodec.QS;
            float da = Le.f32(a, by);
            float d = Le.half(w, bx) * da;
            float dmin = Le.half(w, bx + 2) * da;
            int sumi = 0;
            int mins = 0;
            for (int sub = 0; sub < 8; sub++) {
                long q4 = bx + QS + 32L * (sub >> 1);
                int shift = (sub & 1) * 4;
                int dot = 0;
                for (int l = 0; l < 32; l++) {
                    dot += Le.s8(a, q8 + 32L * sub + l) * ((Le.u8(w, q4 + l) >> shift) & 0xF);
                }
                sumi += QuantMath.scaleK4(sub, w, bx + SCALES) * dot;
                mins += QuantMath.minK4(sub, w, bx + SCALES) * (Q8KCodec.bsum(a, by, 2 * sub) + Q8KCodec.bsum(a, by, 2 * sub + 1));
                if (gemm && (sub & 1) == 1) {
                    acc = Math.fma((float) sumi, d, acc);
                    accMin = Math.fma((float) mins, dmin, accMin);
                    sumi = 0;
                    mins = 0;
                }
            }
            if (!gemm) {
                acc = Math.fma((float) sumi, d, acc);
                accMin = Math.fma((float) mins, dmin, accMin);
            }
        }
        return acc - accMin;
    }

    /**
     * ggml_vec_dot_q4_K_q8_K as llama.cpp's AVX2 build computes it for weights it does not repack
     * (tensor.RepackedWeights): per super-block, 8 float lanes get fma(d, exact sum), lane l summing the scaled
     * products of bytes 4l..4l+3 of every 32-quant sub-block, and 4 mins lanes get fma(-dmin, min * block sum of
     * sub-blocks 2m and 2m+1); then the 8 lanes' hsum tree plus the 4 mins lanes' tree.
     */
    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int nb = blocks(n);
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int i = 0; i < nb; i++) {
            long bx = wOff + (long) i * BYTES;
            long by = aOff + (long) i * Q8KCodec.BYTES;
            float yd = Le.f32(a, by);
            float d = yd * Le.half(w, bx);
            float dmin = -yd * Le.half(w, bx + 2);
            m0 = Math.fma(dmin, mins(w, bx, a, by, 0), m0);
            m1 = Math.fma(dmin, mins(w, bx, a, by, 1), m1);
            m2 = Math.fma(dmin, mins(w, bx, a, by, 2), m2);
            m3 = Math.fma(dmin, mins(w, bx, a, by, 3), m3);
            a0 = Math.fma(d, lane(w, bx, a, by, 0), a0);
            a1 = Math.fma(d, lane(w, bx, a, by, 1), a1);
            a2 = Math.fma(d, lane(w, bx, a, by, 2), a2);
            a3 = Math.fma(d, lane(w, bx, a, by, 3), a3);
            a4 = Math.fma(d, lane(w, bx, a, by, 4), a4);
            a5 = Math.fma(d, lane(w, bx, a, by, 5), a5);
            a6 = Math.fma(d, lane(w, bx, a, by, 6), a6);
            a7 = Math.fma(d, lane(w, bx, a, by, 7), a7);
        }
        return (((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))) + ((m0 + m2) + (m1 + m3));
    }

    /** Mins lane m: min(2m) * (sum of sub-block 2m's quants) + min(2m+1) * (sub-block 2m+1's), exact. */
    private static int mins(MemorySegment w, long bx, MemorySegment a, long by, int m) {
        return QuantMath.minK4(2 * m, w, bx + SCALES) * (Q8KCodec.bsum(a, by, 4 * m) + Q8KCodec.bsum(a, by, 4 * m + 1))
                + QuantMath.minK4(2 * m + 1, w, bx + SCALES) * (Q8KCodec.bsum(a, by, 4 * m + 2) + Q8KCodec.bsum(a, by, 4 * m + 3));
    }

    /** Quant lane l: over the 8 sub-blocks, the sub-block's scale times its elements 4l..4l+3 dotted, exact. */
    private static int lane(MemorySegment w, long bx, MemorySegment a, long by, int l) {
        long q8 = by + Q8KCodec.QS;
        int sum = 0;
        for (int sub = 0; sub < 8; sub++) {
            long q4 = bx + QS + 32L * (sub >> 1);
            int shift = (sub & 1) * 4;
            int dot = 0;
            for (int e = 4 * l; e < 4 * l + 4; e++) {
                dot += Le.s8(a, q8 + 32L * sub + e) * ((Le.u8(w, q4 + e) >> shift) & 0xF);
            }
            sum += QuantMath.scaleK4(sub, w, bx + SCALES) * dot;
        }
        return sum;
    }

    /**
     * ggml_vec_dot_q4_K_q8_K_generic: 8 integer lanes per super-block, scaled into 8 float lanes summed last. The
     * reference C order its golden vectors pin; llama.cpp's x86 builds run {@link #dot}'s AVX2 order (or
     * {@link #repackedDot}'s) instead, and they differ in the last bits.
     */
    float dotGeneric(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
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
                    a0 += scale * (Le.s8(a, q8 + e) * ((Le.u8(w, q4 + p) >> shift) & 0xF));
                    a1 += scale * (Le.s8(a, q8 + e + 1) * ((Le.u8(w, q4 + p + 1) >> shift) & 0xF));
                    a2 += scale * (Le.s8(a, q8 + e + 2) * ((Le.u8(w, q4 + p + 2) >> shift) & 0xF));
                    a3 += scale * (Le.s8(a, q8 + e + 3) * ((Le.u8(w, q4 + p + 3) >> shift) & 0xF));
                    a4 += scale * (Le.s8(a, q8 + e + 4) * ((Le.u8(w, q4 + p + 4) >> shift) & 0xF));
                    a5 += scale * (Le.s8(a, q8 + e + 5) * ((Le.u8(w, q4 + p + 5) >> shift) & 0xF));
                    a6 += scale * (Le.s8(a, q8 + e + 6) * ((Le.u8(w, q4 + p + 6) >> shift) & 0xF));
                    a7 += scale * (Le.s8(a, q8 + e + 7) * ((Le.u8(w, q4 + p + 7) >> shift) & 0xF));
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
}
