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
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            kernels.dequantizeRow(w, o, row, 0);
            for (int k = 0; k < in; k++) {
                seg.setAtIndex(LE_FLOAT, (long) k * out + o, row[k]);
            }
        }
        t = new Tensor(w.name() + "^T", GgmlType.F32, new long[]{out, in}, seg);
        cache.put(w, t);
        return t;
    }
}
