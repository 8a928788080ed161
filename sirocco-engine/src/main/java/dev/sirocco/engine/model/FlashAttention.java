package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.quant.ActivationQuantizer;

import java.lang.foreign.MemorySegment;

/**
 * One query head's attention over a Q8_0 {@link KvCache} as llama.cpp's CPU flash attention computes it
 * (ggml_compute_forward_flash_attn_ext_f16_one_chunk in ggml-cpu/ops.cpp; llama.cpp takes a quantized V cache
 * only with flash attention): the query rounded to Q8_0, each key's score by the AVX2 vec_dot_q8_0_q8_0 lanes,
 * an online softmax with expf, each value row dequantized and fused into the accumulator, which is divided by
 * the softmax sum at the end. Not thread-safe: one instance per concurrently attended head.
 */
final class FlashAttention {
    private final int headDim;
    private final int valueHeadDim;
    private final byte[] query;
    private final MemorySegment querySegment;
    private final float[] acc;

    FlashAttention(int headDim, int valueHeadDim) {
        this.headDim = headDim;
        this.valueHeadDim = valueHeadDim;
        this.query = new byte[headDim / 32 * 34];
        this.querySegment = MemorySegment.ofArray(query);
        this.acc = new float[valueHeadDim];
    }

    /**
     * {@code out[outOff ..]} = the attention of the query head {@code q[qOff ..]} over positions {@code lo .. hi} of
     * {@code kvHead} in {@code layer}, scores multiplied by {@code scale}.
     */
    void attend(KvCache cache, int layer, int kvHead, float[] q, int qOff, float scale, int lo, int hi, float[] out, int outOff) {
        ActivationQuantizer.q8_0(q, qOff, headDim, querySegment, 0);
        byte[] keys = cache.keyBytes(layer);
        byte[] values = cache.valueBytes(layer);
        java.util.Arrays.fill(acc, 0f);
        float sum = 0f;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = lo; p <= hi; p++) {
            float s = dotQ8(keys, cache.keyOffset(p, kvHead), query, headDim / 32) * scale;
            float ms = 1f;
            float vs = 1f;
            if (s > max) {
                float old = max;
                max = s;
                ms = exp(old - max);
                for (int i = 0; i < valueHeadDim; i++) {
                    acc[i] *= ms;
                }
            } else {
                vs = exp(s - max);
            }
            // ggml_vec_mad_f32 with the row dequantized (dequantize_row_q8_0: quant * d): fused multiply-adds
            int v = cache.valueOffset(p, kvHead);
            for (int blk = 0; blk < valueHeadDim / 32; blk++) {
                int b = v + 34 * blk;
                float d = half(values, b);
                for (int j = 0; j < 32; j++) {
                    acc[32 * blk + j] = Math.fma(values[b + 2 + j] * d, vs, acc[32 * blk + j]);
                }
            }
            sum = sum * ms + vs; // ops.cpp leaves this multiply-add unfused
        }
        float inv = sum == 0f ? 0f : 1f / sum;
        for (int i = 0; i < valueHeadDim; i++) {
            out[outOff + i] = acc[i] * inv;
        }
    }

    /**
     * ggml_vec_dot_q8_0_q8_0 as llama.cpp's AVX2 build takes it: per block, d = d_x * d_y fused into 8 float lanes,
     * lane l the exact sum of elements 4l..4l+3; then the lanes' hsum tree.
     */
    static float dotQ8(byte[] x, int xOff, byte[] y, int nb) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = 0; i < nb; i++) {
            int bx = xOff + 34 * i;
            int by = 34 * i;
            float d = half(x, bx) * half(y, by);
            a0 = Math.fma(d, lane(x, bx, y, by, 0), a0);
            a1 = Math.fma(d, lane(x, bx, y, by, 1), a1);
            a2 = Math.fma(d, lane(x, bx, y, by, 2), a2);
            a3 = Math.fma(d, lane(x, bx, y, by, 3), a3);
            a4 = Math.fma(d, lane(x, bx, y, by, 4), a4);
            a5 = Math.fma(d, lane(x, bx, y, by, 5), a5);
            a6 = Math.fma(d, lane(x, bx, y, by, 6), a6);
            a7 = Math.fma(d, lane(x, bx, y, by, 7), a7);
        }
        return ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7));
    }

    private static int lane(byte[] x, int bx, byte[] y, int by, int l) {
        int s = 0;
        for (int e = 2 + 4 * l; e < 6 + 4 * l; e++) {
            s += x[bx + e] * y[by + e];
        }
        return s;
    }

    /** expf as (float) exp in double: the correctly rounded value, which glibc's expf gives all but rarely. */
    private static float exp(float x) {
        return (float) Math.exp(x);
    }

    private static float half(byte[] b, int off) {
        return Float.float16ToFloat((short) ((b[off] & 0xFF) | (b[off + 1] << 8)));
    }
}
