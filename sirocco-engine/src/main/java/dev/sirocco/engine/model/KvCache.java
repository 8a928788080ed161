package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.ActivationQuantizer;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of every layer for positions {@code 0 .. capacity-1}, stored contiguously per layer.
 * F16 storage halves the memory and rounds like llama.cpp's default F16 cache: queries and attention
 * weights are rounded to F16 before they meet F16 keys and values. Q8_0 storage (blocks of 32 per head, about
 * a quarter of F32) rounds as llama.cpp's quantized cache does; llama.cpp only takes a quantized V cache with
 * flash attention, so its attention follows {@link FlashAttention}.
 */
public final class KvCache {

    /** Element type of the cache (llama.cpp's {@code --cache-type-k/v}). */
    public enum Type { F32, F16, Q8_0 }

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
    private final byte[][] keys8;      // [layer][pos * kvRowBytes + kvHead * headBytes ..]: Q8_0 blocks
    private final byte[][] values8;    // [layer][pos * vRowBytes + kvHead * valueHeadBytes ..]
    private final MemorySegment[] keySegments;
    private final MemorySegment[] valueSegments;

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
        keys32 = type == Type.F32 ? new float[layers][Math.multiplyExact(capacity, kvDim)] : null;
        values32 = type == Type.F32 ? new float[layers][Math.multiplyExact(capacity, vDim)] : null;
        keys16 = type == Type.F16 ? new short[layers][Math.multiplyExact(capacity, kvDim)] : null;
        values16 = type == Type.F16 ? new short[layers][Math.multiplyExact(capacity, vDim)] : null;
        requireSupported(c, type);
        if (type == Type.Q8_0) {
            keys8 = new byte[layers][Math.toIntExact(Math.multiplyExact((long) capacity, GgmlType.Q8_0.bytesFor(kvDim)))];
            values8 = new byte[layers][Math.toIntExact(Math.multiplyExact((long) capacity, GgmlType.Q8_0.bytesFor(vDim)))];
            keySegments = new MemorySegment[layers];
            valueSegments = new MemorySegment[layers];
            for (int l = 0; l < layers; l++) {
                keySegments[l] = MemorySegment.ofArray(keys8[l]);
                valueSegments[l] = MemorySegment.ofArray(values8[l]);
            }
        } else {
            keys8 = null;
            values8 = null;
            keySegments = null;
            valueSegments = null;
        }
    }

    /** Throws {@link IllegalArgumentException}, saying what to use instead, when {@code type} cannot hold {@code c}'s heads. */
    public static void requireSupported(ModelConfig c, Type type) {
        if (type == Type.Q8_0 && (c.headDim() % 32 != 0 || c.valueHeadDim() % 32 != 0)) {
            throw new IllegalArgumentException("a q8_0 KV cache stores each head in blocks of 32 values, but this model's heads have "
                    + c.headDim() + " (keys) and " + c.valueHeadDim() + " (values) values; use --kv-type f16 or f32");
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
        return switch (type) {
            case F32 -> (long) capacity * (kvDim + vDim) * keys32.length * 4;
            case F16 -> (long) capacity * (kvDim + vDim) * keys16.length * 2;
            case Q8_0 -> (long) keys8.length * (keys8[0].length + values8[0].length);
        };
    }

    /** Stores the key and value of position {@code pos} in {@code layer}. */
    public void put(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        if (type == Type.F32) {
            System.arraycopy(k, kOff, keys32[layer], pos * kvDim, kvDim);
            System.arraycopy(v, vOff, values32[layer], pos * vDim, vDim);
        } else if (type == Type.Q8_0) {
            // llama.cpp's set_rows rounds with the Q8_0 from_float: x86 AVX2 quantize_row_q8_0
            ActivationQuantizer.q8_0(k, kOff, kvDim, keySegments[layer], pos * GgmlType.Q8_0.bytesFor(kvDim));
            ActivationQuantizer.q8_0(v, vOff, vDim, valueSegments[layer], pos * GgmlType.Q8_0.bytesFor(vDim));
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

    /**
     * {@code q · K[layer][pos][kvHead]} of an F32 cache as llama.cpp's KQ product (ggml_vec_dot_f32). An F16 cache
     * is widened first ({@link #widenKeys}) and dotted with AttentionKernels.dotWidened.
     */
    public float dotKey(AttentionKernels ak, int layer, int pos, int kvHead, float[] q, int qOff) {
        requireF32("dotKey");
        return ak.dot(q, qOff, keys32[layer], pos * kvDim + kvHead * headDim, headDim);
    }

    private void requireF32(String what) {
        if (type != Type.F32) {
            throw new IllegalStateException(what + " reads an F32 cache; this cache is " + type + " (widen it first)");
        }
    }

    /**
     * The F16 keys of {@code kvHead} at positions {@code first .. first+n-1} widened to floats, position
     * {@code first + j} at {@code dst[j * headDim ..]}. A plain loop over {@code Float.float16ToFloat}: C2 turns it
     * into the hardware conversion, which the Vector API lacks.
     */
    void widenKeys(int layer, int kvHead, int first, int n, float[] dst) {
        widen(keys16[layer], first * kvDim + kvHead * headDim, kvDim, headDim, n, dst);
    }

    /** {@link #widenKeys} for the values ({@code valueHeadDim} floats per position). */
    void widenValues(int layer, int kvHead, int first, int n, float[] dst) {
        widen(values16[layer], first * vDim + kvHead * valueHeadDim, vDim, valueHeadDim, n, dst);
    }

    private static void widen(short[] src, int base, int stride, int width, int n, float[] dst) {
        for (int j = 0; j < n; j++) {
            int from = base + j * stride;
            int to = j * width;
            for (int i = 0; i < width; i++) {
                dst[to + i] = Float.float16ToFloat(src[from + i]);
            }
        }
    }

    /**
     * {@code out = sum_p w[p - first] * V[layer][p][kvHead]} over positions {@code first .. first+n-1} of an F32
     * cache as llama.cpp's KQV product over its V cache (position p in cell p): the vec_dot lane tree for one token,
     * the tinyBLAS one ({@code gemm}) for a batch. {@code acc}: scratch of {@code 32 * valueHeadDim} floats. An F16
     * cache is widened first ({@link #widenValues}).
     */
    public void sumValues(AttentionKernels ak, int layer, int kvHead, float[] w, int wOff, int first, int n,
                          boolean gemm, float[] acc, float[] out, int outOff) {
        requireF32("sumValues");
        ak.weightedSum(w, wOff, n, first, values32[layer], first * vDim + kvHead * valueHeadDim, vDim, valueHeadDim, gemm,
                acc, out, outOff);
    }

    /** The Q8_0 key block row of {@code kvHead} at {@code pos}: its offset in {@link #keyBytes}. */
    int keyOffset(int pos, int kvHead) {
        return Math.toIntExact(pos * GgmlType.Q8_0.bytesFor(kvDim) + GgmlType.Q8_0.bytesFor((long) kvHead * headDim));
    }

    /** The Q8_0 value block row of {@code kvHead} at {@code pos}: its offset in {@link #valueBytes}. */
    int valueOffset(int pos, int kvHead) {
        return Math.toIntExact(pos * GgmlType.Q8_0.bytesFor(vDim) + GgmlType.Q8_0.bytesFor((long) kvHead * valueHeadDim));
    }

    /** Layer {@code layer}'s Q8_0 keys (a Q8_0 cache only). */
    byte[] keyBytes(int layer) {
        return keys8[layer];
    }

    /** Layer {@code layer}'s Q8_0 values (a Q8_0 cache only). */
    byte[] valueBytes(int layer) {
        return values8[layer];
    }
}
