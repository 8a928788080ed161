package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * F32 transposes of frozen weights, so the backward product {@code dx = dy W} runs through the engine's vectorized,
 * multi-threaded matmul instead of a row-at-a-time loop. Each weight is dequantized and transposed once, while the
 * total stays under a memory budget; weights beyond it take the slower on-the-fly path (a large quantized base keeps
 * its memory footprint that way).
 */
public final class TransposedWeights {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Map<Tensor, Tensor> cache = new IdentityHashMap<>();
    private final Kernels kernels;
    private long budgetBytes;

    public TransposedWeights(Kernels kernels, long budgetBytes) {
        this.kernels = kernels;
        this.budgetBytes = budgetBytes;
    }

    /** {@code W^T} as an F32 tensor of shape {out, in} (rows = in), or null when it does not fit the budget. */
    public Tensor of(Tensor w) {
        Tensor t = cache.get(w);
        if (t != null || cache.containsKey(w)) {
            return t;
        }
        int in = w.rowLength();
        int out = Math.toIntExact(w.rows());
        long bytes = 4L * in * out;
        if (bytes > budgetBytes) {
            cache.put(w, null);
            return null;
        }
        budgetBytes -= bytes;
        MemorySegment seg = Arena.ofAuto().allocate(bytes, 64);
        float[] rows = new float[BLOCK * in];
        float[] column = new float[BLOCK];
        for (int o0 = 0; o0 < out; o0 += BLOCK) {
            int b = transposeBlock(w, o0, rows, in, out);
            // row k of W^T gets this block's b values of column k: one contiguous run per k, not one strided write per value
            for (int k = 0; k < in; k++) {
                for (int j = 0; j < b; j++) {
                    column[j] = rows[j * in + k];
                }
                MemorySegment.copy(column, 0, seg, LE_FLOAT, ((long) k * out + o0) * 4, b);
            }
        }
        t = new Tensor(w.name() + "^T", GgmlType.F32, new long[]{out, in}, seg);
        cache.put(w, t);
        return t;
    }

    /** Output rows handled together when transposing: a block's columns are written as contiguous runs. */
    static final int BLOCK = 64;

    /** Dequantizes rows {@code o0 ..} (at most {@link #BLOCK}) of {@code w} into {@code rows}; returns how many. */
    int transposeBlock(Tensor w, int o0, float[] rows, int in, int out) {
        int b = Math.min(BLOCK, out - o0);
        for (int j = 0; j < b; j++) {
            kernels.dequantizeRow(w, o0 + j, rows, j * in);
        }
        return b;
    }

    /**
     * {@code dx (n, in) += dy (n, out) . W} for a weight that has no cached transpose: a block of output rows at a
     * time is dequantized and transposed into a small F32 tensor and multiplied through the engine's matmul.
     */
    public void addBackward(Tensor w, float[] dy, float[] dx, int n) {
        int in = w.rowLength();
        int out = Math.toIntExact(w.rows());
        float[] rows = new float[BLOCK * in];
        float[] blockT = new float[in * BLOCK];
        float[] dyBlock = new float[n * BLOCK];
        float[] tmp = new float[n * in];
        MemorySegment seg = Arena.ofAuto().allocate(4L * in * BLOCK, 64);
        for (int o0 = 0; o0 < out; o0 += BLOCK) {
            int b = transposeBlock(w, o0, rows, in, out);
            for (int k = 0; k < in; k++) {
                for (int j = 0; j < b; j++) {
                    blockT[k * b + j] = rows[j * in + k];
                }
            }
            MemorySegment.copy(blockT, 0, seg, LE_FLOAT, 0, in * b);
            Tensor t = new Tensor(w.name() + "^T[" + o0 + "]", GgmlType.F32, new long[]{b, in}, seg.asSlice(0, 4L * in * b));
            for (int r = 0; r < n; r++) {
                System.arraycopy(dy, r * out + o0, dyBlock, r * b, b);
            }
            kernels.matmul(t, dyBlock, tmp, n);
            for (int i = 0; i < n * in; i++) {
                dx[i] += tmp[i];
            }
        }
    }
}
