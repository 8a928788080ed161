package dev.sirocco.engine.tensor;

import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.BlockCodec;
import dev.sirocco.engine.tensor.quant.Codecs;

import java.lang.foreign.MemorySegment;
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
        for (int b = 0; b < batch; b++) {
            ActivationQuantizer.quantize(actType, x, b * cols, cols, act, b * actRowBytes);
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
        t.chunk = Math.max(1, (rows + parallel.threads() * CHUNKS_PER_THREAD - 1) / (parallel.threads() * CHUNKS_PER_THREAD));
        try {
            parallel.forEach((rows + t.chunk - 1) / t.chunk, t);
        } finally {
            t.out = null;
            t.weights = null;
        }
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
        int chunk;

        @Override
        public void accept(int c) {
            int from = c * chunk;
            int to = Math.min(rows, from + chunk);
            for (int r = from; r < to; r++) {
                long w = r * rowBytes;
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r] = codec.dot(weights, w, act, b * actRowBytes, cols);
                }
            }
        }
    }
}
