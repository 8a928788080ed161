package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The backward product of a frozen weight, {@code dx (n, in) += dy (n, out) . W (out, in)}, through the kernels' tiled
 * float gemm: each weight is dequantized to an F32 copy once, while the total stays under a memory budget; weights
 * beyond it are dequantized a block of rows at a time on every pass (a large quantized base keeps its memory
 * footprint that way, for the cost of decoding it once more per backward pass).
 */
public final class DequantizedWeights {
    /** Rows of W decoded together on the uncached path: a (BLOCK, in) slab, small enough to stay in cache. */
    static final int BLOCK = 64;

    private final Map<Tensor, float[]> cache = new IdentityHashMap<>();
    private final Kernels kernels;
    private long budgetBytes;

    public DequantizedWeights(Kernels kernels, long budgetBytes) {
        this.kernels = kernels;
        this.budgetBytes = budgetBytes;
    }

    /** {@code dx (n, in) += dy (n, out) . W}. */
    public void addBackward(Tensor w, float[] dy, float[] dx, int n) {
        int in = w.rowLength();
        int out = Math.toIntExact(w.rows());
        float[] all = of(w);
        float[] rows = all == null ? new float[BLOCK * in] : null;
        // A block of rows of W at a time even when all of W is at hand: the block (BLOCK, in) stays in L2 while every
        // column panel of the product passes over it (measured ~1.4x faster than one gemm over the whole of W)
        for (int o0 = 0; o0 < out; o0 += BLOCK) {
            int b = Math.min(BLOCK, out - o0);
            if (all == null) {
                kernels.dequantizeRows(w, o0, b, rows, 0);
            }
            // dx += dy[:, o0 .. o0 + b] . W[o0 .. o0 + b, :]
            kernels.gemm(n, in, b, dy, o0, out, 1, all != null ? all : rows, all != null ? o0 * in : 0, in, dx, 0, in, true);
        }
    }

    /**
     * Whether {@code bytes} more still leave a quarter of the heap free: the activations of a long sequence need the
     * room more than the cache does (a 1B model at 512 positions ran out of heap filling a 1 GiB cache). The cache
     * changes speed only: the cached and the block-by-block paths give the same floats.
     */
    private static boolean heapHasRoomFor(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return bytes < free - rt.maxMemory() / 4;
    }

    /**
     * {@code W} as (out, in) floats, or null when it does not fit the budget or the heap's free room (or is larger
     * than an array holds).
     */
    float[] of(Tensor w) {
        float[] t = cache.get(w);
        if (t != null || cache.containsKey(w)) {
            return t;
        }
        int in = w.rowLength();
        long size = (long) in * w.rows();
        if (4 * size > budgetBytes || size > Integer.MAX_VALUE - 8) {
            cache.put(w, null);
            return null;
        }
        if (!heapHasRoomFor(4 * size)) {
            return null; // not now: asked again on the next pass, when garbage may have been collected
        }
        budgetBytes -= 4 * size;
        t = new float[(int) size];
        kernels.dequantizeRows(w, 0, Math.toIntExact(w.rows()), t, 0);
        cache.put(w, t);
        return t;
    }
}
