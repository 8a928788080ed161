package dev.sirocco.engine.tensor;

import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.BlockCodec;
import dev.sirocco.engine.tensor.quant.Codecs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * The scalar reference {@link Kernels}: rounds activations to the weight type's companion format as
 * ggml's CPU backend does, then takes each output as the codec's ggml-faithful dot product of a weight
 * row with an activation row. Output rows are spread over a {@link Parallel}.
 *
 * <p>Not thread-safe: an instance reuses its activation scratch buffer, so run one matmul at a time per
 * instance (one forward pass at a time); use one instance per concurrent forward pass.
 */
public final class ScalarKernels implements Kernels {
    /** Row chunks per thread: enough to even out uneven threads, few enough to keep hand-out cheap. */
    private static final int CHUNKS_PER_THREAD = 4;

    private final Parallel parallel;
    private final RowTask rowTask = new RowTask();
    private byte[] scratch = new byte[0];
    private MemorySegment scratchSegment = MemorySegment.ofArray(scratch);

    public ScalarKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void matmul(Tensor weight, float[] x, float[] out, int batch) {
        BlockCodec codec = Codecs.of(weight.type());
        GgmlType actType = codec.vecDotType();
        if (actType == null) {
            throw new UnsupportedOperationException(weight.type() + " is not a weight format");
        }
        int cols = weight.rowLength();
        int rows = Math.toIntExact(weight.rows());
        if (batch < 0 || x.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException("matmul " + weight + " batch " + batch + ": x has " + x.length
                    + " floats (needs " + (long) batch * cols + "), out has " + out.length + " (needs " + (long) batch * rows + ")");
        }
        // x: (batch, cols) -> act: batch rows of cols in actType, each actRowBytes long
        long actRowBytes = actType.bytesFor(cols);
        MemorySegment act = scratch(Math.multiplyExact(actRowBytes, batch));
        boolean repacked = RepackedWeights.isRepacked(weight.type(), rows);
        for (int b = 0; b < batch; b++) {
            ActivationQuantizer.quantize(actType, x, b * cols, cols, act, b * actRowBytes,
                    repacked && RepackedWeights.inGemmTile(b, batch));
        }
        RowTask t = rowTask;
        t.codec = codec;
        t.weights = weight.data();
        t.rowBytes = weight.rowBytes();
        t.act = act;
        t.actRowBytes = actRowBytes;
        t.cols = cols;
        t.rows = rows;
        t.batch = batch;
        t.out = out;
        t.x = x;
        // F32 weights: llama.cpp multiplies two or more rows with llamafile's tinyBLAS when its tiles fit
        // (rows % 4, cols % 8), else with ggml_vec_dot_f32; each has its own lanes (AttentionKernels).
        boolean floats = weight.type() == GgmlType.F32 || weight.type() == GgmlType.F16 || weight.type() == GgmlType.BF16;
        t.repacked = repacked;
        t.f32Form = !floats ? F32_CODEC
                : batch >= 2 && rows % 4 == 0 && cols % AttentionKernels.GEMM_LANES == 0 ? F32_GEMM : F32_VEC_DOT;
        t.chunk = Math.max(1, (rows + parallel.threads() * CHUNKS_PER_THREAD - 1) / (parallel.threads() * CHUNKS_PER_THREAD));
        try {
            parallel.forEach((rows + t.chunk - 1) / t.chunk, t);
        } finally {
            t.out = null;
            t.weights = null;
            t.x = null;
        }
    }

    private static final int F32_CODEC = 0;
    private static final int F32_VEC_DOT = 1;
    private static final int F32_GEMM = 2;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** ggml_vec_dot_f32 of an F32 weight row with {@code x[xOff ..]}: 32 fused lanes, their tree, then the tail unfused in float. */
    static float vecDotF32(MemorySegment w, long wOff, float[] x, int xOff, int n) {
        int np = n & ~31;
        float t0 = yF32(w, wOff, x, xOff, np, 0) + yF32(w, wOff, x, xOff, np, 4);
        float t1 = yF32(w, wOff, x, xOff, np, 1) + yF32(w, wOff, x, xOff, np, 5);
        float t2 = yF32(w, wOff, x, xOff, np, 2) + yF32(w, wOff, x, xOff, np, 6);
        float t3 = yF32(w, wOff, x, xOff, np, 3) + yF32(w, wOff, x, xOff, np, 7);
        float sum = (t0 + t1) + (t2 + t3);
        for (int i = np; i < n; i++) {
            sum += w.get(F32_LE, wOff + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    private static float yF32(MemorySegment w, long wOff, float[] x, int xOff, int np, int l) {
        return (chainF32(w, wOff, x, xOff, l, np, 32) + chainF32(w, wOff, x, xOff, l + 16, np, 32))
                + (chainF32(w, wOff, x, xOff, l + 8, np, 32) + chainF32(w, wOff, x, xOff, l + 24, np, 32));
    }

    /** The fused chain over elements {@code m, m + step, ... < end}. */
    private static float chainF32(MemorySegment w, long wOff, float[] x, int xOff, int m, int end, int step) {
        float a = 0f;
        for (int i = m; i < end; i += step) {
            a = Math.fma(w.get(F32_LE, wOff + 4L * i), x[xOff + i], a);
        }
        return a;
    }

    /** tinyBLAS's F32 dot of a weight row with {@code x[xOff ..]} ({@code n % 8 == 0}): 8 fused lanes and their hsum tree. */
    static float gemmDotF32(MemorySegment w, long wOff, float[] x, int xOff, int n) {
        float b0 = chainF32(w, wOff, x, xOff, 0, n, 8) + chainF32(w, wOff, x, xOff, 4, n, 8);
        float b1 = chainF32(w, wOff, x, xOff, 1, n, 8) + chainF32(w, wOff, x, xOff, 5, n, 8);
        float b2 = chainF32(w, wOff, x, xOff, 2, n, 8) + chainF32(w, wOff, x, xOff, 6, n, 8);
        float b3 = chainF32(w, wOff, x, xOff, 3, n, 8) + chainF32(w, wOff, x, xOff, 7, n, 8);
        return (b0 + b2) + (b1 + b3);
    }

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float half(GgmlType t, MemorySegment s, long off) {
        short h = s.get(SHORT_LE, off);
        return t == GgmlType.F16 ? Float.float16ToFloat(h) : Float.intBitsToFloat(h << 16);
    }

    /**
     * F16/BF16 weight row times an activation row rounded to the same type: tinyBLAS (8 fused lanes, hsum) for
     * batches; one row as ggml_vec_dot_f16 (32 fused lanes, vec_dot tree, tail in double) or, on AVX2,
     * ggml_vec_dot_bf16 (32 lanes of multiply then add, unfused, reduced (a+a16)+(a8+a24) then the hsum tree,
     * tail in double).
     */
    static float halfDot(GgmlType t, MemorySegment w, long wOff, MemorySegment a, long aOff, int n, boolean gemm) {
        if (gemm) {
            float b0 = chainHalf(t, w, wOff, a, aOff, 0, n, 8, true) + chainHalf(t, w, wOff, a, aOff, 4, n, 8, true);
            float b1 = chainHalf(t, w, wOff, a, aOff, 1, n, 8, true) + chainHalf(t, w, wOff, a, aOff, 5, n, 8, true);
            float b2 = chainHalf(t, w, wOff, a, aOff, 2, n, 8, true) + chainHalf(t, w, wOff, a, aOff, 6, n, 8, true);
            float b3 = chainHalf(t, w, wOff, a, aOff, 3, n, 8, true) + chainHalf(t, w, wOff, a, aOff, 7, n, 8, true);
            return (b0 + b2) + (b1 + b3);
        }
        int np = n & ~31;
        boolean fused = t == GgmlType.F16;
        float b0 = yHalf(t, w, wOff, a, aOff, np, 0, fused) + yHalf(t, w, wOff, a, aOff, np, 4, fused);
        float b1 = yHalf(t, w, wOff, a, aOff, np, 1, fused) + yHalf(t, w, wOff, a, aOff, np, 5, fused);
        float b2 = yHalf(t, w, wOff, a, aOff, np, 2, fused) + yHalf(t, w, wOff, a, aOff, np, 6, fused);
        float b3 = yHalf(t, w, wOff, a, aOff, np, 3, fused) + yHalf(t, w, wOff, a, aOff, np, 7, fused);
        // F16: GGML_F32x8_REDUCE's hadd tree; BF16: the hsum tree
        double sum = fused ? (b0 + b1) + (b2 + b3) : (b0 + b2) + (b1 + b3);
        for (int i = np; i < n; i++) {
            sum += half(t, w, wOff + 2L * i) * half(t, a, aOff + 2L * i);
        }
        return (float) sum;
    }

    private static float yHalf(GgmlType t, MemorySegment w, long wOff, MemorySegment a, long aOff, int np, int l, boolean fused) {
        return (chainHalf(t, w, wOff, a, aOff, l, np, 32, fused) + chainHalf(t, w, wOff, a, aOff, l + 16, np, 32, fused))
                + (chainHalf(t, w, wOff, a, aOff, l + 8, np, 32, fused) + chainHalf(t, w, wOff, a, aOff, l + 24, np, 32, fused));
    }

    private static float chainHalf(GgmlType t, MemorySegment w, long wOff, MemorySegment a, long aOff, int m, int end, int step,
                                   boolean fused) {
        float acc = 0f;
        for (int i = m; i < end; i += step) {
            float p = half(t, w, wOff + 2L * i);
            float q = half(t, a, aOff + 2L * i);
            acc = fused ? Math.fma(p, q, acc) : acc + p * q;
        }
        return acc;
    }

    @Override
    public void dequantizeRow(Tensor tensor, long row, float[] dst, int dstOffset) {
        if (row < 0 || row >= tensor.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + tensor);
        }
        Codecs.of(tensor.type()).dequantize(tensor.data(), row * tensor.rowBytes(), dst, dstOffset, tensor.rowLength());
    }

    private MemorySegment scratch(long bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[Math.toIntExact(Math.max(bytes, scratch.length * 3L / 2))];
            scratchSegment = MemorySegment.ofArray(scratch);
        }
        return scratchSegment;
    }

    /** One chunk of output rows; a reused object so a matmul allocates nothing once the scratch is large enough. */
    private static final class RowTask implements IntConsumer {
        BlockCodec codec;
        MemorySegment weights;
        long rowBytes;
        MemorySegment act;
        long actRowBytes;
        int cols;
        int rows;
        int batch;
        float[] out;
        float[] x;
        int f32Form;
        boolean repacked;
        int chunk;

        @Override
        public void accept(int c) {
            int from = c * chunk;
            int to = Math.min(rows, from + chunk);
            for (int r = from; r < to; r++) {
                long w = r * rowBytes;
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r] = repacked
                            ? codec.repackedDot(weights, w, act, b * actRowBytes, cols, RepackedWeights.inGemmTile(b, batch))
                            : f32Form == F32_CODEC ? codec.dot(weights, w, act, b * actRowBytes, cols)
                            : codec.type() == GgmlType.F32
                            ? (f32Form == F32_GEMM ? gemmDotF32(weights, w, x, b * cols, cols) : vecDotF32(weights, w, x, b * cols, cols))
                            : halfDot(codec.type(), weights, w, act, b * actRowBytes, cols, f32Form == F32_GEMM);
                }
            }
        }
    }
}
