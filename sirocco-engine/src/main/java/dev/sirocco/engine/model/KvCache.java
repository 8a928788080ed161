package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.AttentionKernels;

/**
 * Keys and values of every layer for positions {@code 0 .. capacity-1}, stored contiguously per layer.
 * F16 storage halves the memory and rounds like llama.cpp's default F16 cache: queries and attention
 * weights are rounded to F16 before they meet F16 keys and values.
 */
public final class KvCache {

    /** Element type of the cache (llama.cpp's {@code --cache-type-k/v}). */
    public enum Type { F32, F16 }

    private final Type type;
    private final int capacity;
    private final int kvDim;
    private final int vDim;
    private final int headDim;
    private final int valueHeadDim;
    private final float[][] keys32;    // [layer][pos * kvDim + kvHead * headDim + i]
    private final float[][] values32;  // [layer][pos * vDim + kvHead * valueHeadDim + i]
    private final short[][] keys16;
    private final short[][] values16;

    public KvCache(ModelConfig c, int capacity, Type type) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("context size must be positive, got " + capacity);
        }
        this.type = type;
        this.capacity = capacity;
        this.kvDim = c.kvDim();
        this.vDim = c.vDim();
        this.headDim = c.headDim();
        this.valueHeadDim = c.valueHeadDim();
        int layers = c.layers();
        if (type == Type.F32) {
            keys32 = new float[layers][Math.multiplyExact(capacity, kvDim)];
            values32 = new float[layers][Math.multiplyExact(capacity, vDim)];
            keys16 = null;
            values16 = null;
        } else {
            keys16 = new short[layers][Math.multiplyExact(capacity, kvDim)];
            values16 = new short[layers][Math.multiplyExact(capacity, vDim)];
            keys32 = null;
            values32 = null;
        }
    }

    public Type type() {
        return type;
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes held by the cache. */
    public long byteSize() {
        long elements = (long) capacity * (kvDim + vDim) * (type == Type.F32 ? keys32.length : keys16.length);
        return elements * (type == Type.F32 ? 4 : 2);
    }

    /** Stores the key and value of position {@code pos} in {@code layer}. */
    public void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (type == Type.F32) {
            System.arraycopy(k, kOff, keys32[layer], pos * kvDim, kvDim);
            System.arraycopy(v, vOff, values32[layer], pos * vDim, vDim);
        } else {
            short[] kd = keys16[layer];
            short[] vd = values16[layer];
            for (int i = 0; i < kvDim; i++) {
                kd[pos * kvDim + i] = Float.floatToFloat16(k[kOff + i]);
            }
            for (int i = 0; i < vDim; i++) {
                vd[pos * vDim + i] = Float.floatToFloat16(v[vOff + i]);
            }
        }
    }

    /** Rounds a query head in place the way it meets the keys (F16 when the cache is F16). */
    public void roundQuery(float[] q, int off) {
        if (type == Type.F16) {
            for (int i = off; i < off + headDim; i++) {
                q[i] = Float.float16ToFloat(Float.floatToFloat16(q[i]));
            }
        }
    }

    /** Rounds attention weights {@code w[off .. off+n)} in place the way they meet the values. */
    public void roundWeights(float[] w, int off, int n) {
        if (type == Type.F16) {
            for (int i = off; i < off + n; i++) {
                w[i] = Float.float16ToFloat(Float.floatToFloat16(w[i]));
            }
        }
    }

    /** {@code q · K[layer][pos][kvHead]} as llama.cpp's KQ product (ggml_vec_dot_f32, or _f16 with the query rounded). */
    public float dotKey(AttentionKernels ak, int layer, int pos, int kvHead, float[] q, int qOff) {
        int base = pos * kvDim + kvHead * headDim;
        return type == Type.F32
                ? ak.dot(q, qOff, keys32[layer], base, headDim)
                : ak.dotHalf(q, qOff, keys16[layer], base, headDim);
    }

    /**
     * {@code out = sum_p w[p - first] * V[layer][p][kvHead]} over positions {@code first .. first+n-1} as llama.cpp's
     * KQV product over its V cache (position p in cell p): the vec_dot lane tree for one token, the tinyBLAS one
     * ({@code gemm}) for a batch. {@code acc}: scratch of {@code 32 * valueHeadDim} floats.
     */
    public void sumValues(AttentionKernels ak, int layer, int kvHead, float[] w, int wOff, int first, int n,
                          boolean gemm, float[] acc, float[] out, int outOff) {
        int base = first * vDim + kvHead * valueHeadDim;
        if (type == Type.F32) {
            ak.weightedSum(w, wOff, n, first, values32[layer], base, vDim, valueHeadDim, gemm, acc, out, outOff);
        } else {
            ak.weightedSumHalf(w, wOff, n, first, values16[layer], base, vDim, valueHeadDim, gemm, acc, out, outOff);
        }
    }
}
