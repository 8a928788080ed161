package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/**
 * Matrix products: {@code y = x W^T} for a frozen engine weight in any tensor type (forward through the engine's
 * own kernels, so it rounds as the engine does; backward {@code dx = dy W} with the dequantized weight through the
 * kernels' float gemm ({@link DequantizedWeights}), or one row at a time; QLoRA when the weight is quantized) and
 * for a trainable F32 matrix (LoRA's A and B, or fully trained weights), all three products through the gemm.
 */
public final class Matmuls {
    private Matmuls() {
    }

    /**
     * {@code x (n, in)} times frozen {@code weight} ({in, out} in ggml order) plus {@code bias} ({@code out}, or null)
     * → {@code (n, out)}. The gradient flows to {@code x} only.
     */
    public static Var frozen(Tape tape, Var x, Tensor weight, float[] bias, Kernels kernels) {
        return frozen(tape, x, weight, bias, kernels, null);
    }

    /** As above; with {@code dequantized} (may be null) the backward runs through the gemm with an F32 copy of W. */
    public static Var frozen(Tape tape, Var x, Tensor weight, float[] bias, Kernels kernels, DequantizedWeights dequantized) {
        int in = weight.rowLength();
        int out = Math.toIntExact(weight.rows());
        requireCols(x, in, weight.name());
        int n = x.rows;
        Var y = tape.result(n, out, x);
        kernels.matmul(weight, x.value, y.value, n);
        if (bias != null) {
            tape.forRange(n, out, (from, to) -> {
                for (int t = from; t < to; t++) {
                    for (int o = 0; o < out; o++) {
                        y.value[t * out + o] += bias[o];
                    }
                }
            });
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dx = x.grad();
            if (dequantized != null) {
                dequantized.addBackward(weight, dy, dx, n);
            } else {
                // the reference: dx (n, in) += dy (n, out) . W (out, in), one dequantized row of W at a time
                float[] row = new float[in];
                for (int o = 0; o < out; o++) {
                    kernels.dequantizeRow(weight, o, row, 0);
                    for (int t = 0; t < n; t++) {
                        float g = dy[t * out + o];
                        if (g != 0f) {
                            int base = t * in;
                            for (int k = 0; k < in; k++) {
                                dx[base + k] += g * row[k];
                            }
                        }
                    }
                }
            }
        });
        return y;
    }

    /**
     * {@code x (n, in)} times trainable {@code w (out, in)} transposed → {@code (n, out)}, all three products (forward
     * {@code x . W^T}, {@code dx = dy W}, {@code dW = dy^T x}) through the kernels' float gemm, which reads a transposed
     * operand through strides: only the forward's W^T and dW's dy^T are laid out transposed first (copies of O(in out)
     * and O(n out), against O(n in out) arithmetic), and the gradients are added straight into their arrays. {@link #dense(Tape, Var, Var)} is its reference.
     */
    public static Var dense(Tape tape, Var x, Var w, Kernels kernels) {
        int in = w.cols;
        int out = w.rows;
        requireCols(x, in, "dense weight");
        int n = x.rows;
        Var y = tape.result(n, out, x, w);
        kernels.gemm(n, out, in, x.value, 0, in, 1, transpose(tape, w.value, out, in), 0, out, y.value, 0, out, false);
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            if (x.requiresGrad()) {
                kernels.gemm(n, in, out, dy, 0, out, 1, w.value, 0, in, x.grad(), 0, in, true);   // (n, out) . (out, in)
            }
            if (w.requiresGrad()) {
                // (n, out)^T . (n, in), with dy^T laid out first: read through strides, each step of the product
                // touched a new cache line of dy, and this gemm ran ~25% slower than the others
                float[] dyT = transpose(tape, dy, n, out);
                kernels.gemm(out, in, n, dyT, 0, n, 1, x.value, 0, in, w.grad(), 0, in, true);
            }
        });
        return y;
    }

    /** Square tiles of the transpose: a tile's source rows stay in L1 while its columns are written out. */
    private static final int TILE = 64;

    /** The forward's W^T or dW's dy^T, reused: each lives for one gemm call, and a fresh array per product is GC churn. */
    private static final ThreadLocal<float[]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[0]);

    /** {@code (rows, cols)} row-major → {@code (cols, rows)} in this thread's scratch array (valid until the next call). */
    static float[] transpose(Tape tape, float[] a, int rows, int cols) {
        float[] scratch = TRANSPOSED.get();
        if (scratch.length < a.length) {
            scratch = new float[a.length];
            TRANSPOSED.set(scratch);
        }
        float[] t = scratch;
        int rowTiles = (rows + TILE - 1) / TILE;
        tape.forRange(rowTiles, (long) TILE * cols, (tile0, tile1) -> {
            for (int tile = tile0; tile < tile1; tile++) {
                int r0 = tile * TILE;
                int r1 = Math.min(rows, r0 + TILE);
                for (int c0 = 0; c0 < cols; c0 += TILE) {
                    int c1 = Math.min(cols, c0 + TILE);
                    for (int c = c0; c < c1; c++) {
                        int tb = c * rows;
                        for (int r = r0; r < r1; r++) {
                            t[tb + r] = a[r * cols + c];
                        }
                    }
                }
            }
        });
        return t;
    }

    /** {@code x (n, in)} times trainable {@code w (out, in)} transposed → {@code (n, out)}; gradients to both. Plain loops. */
    public static Var dense(Tape tape, Var x, Var w) {
        int in = w.cols;
        int out = w.rows;
        requireCols(x, in, "dense weight");
        int n = x.rows;
        Var y = tape.result(n, out, x, w);
        float[] xv = x.value;
        float[] wv = w.value;
        for (int t = 0; t < n; t++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                int xb = t * in;
                int wb = o * in;
                for (int k = 0; k < in; k++) {
                    s += xv[xb + k] * wv[wb + k];
                }
                y.value[t * out + o] = s;
            }
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            boolean toX = x.requiresGrad();
            boolean toW = w.requiresGrad();
            float[] dx = toX ? x.grad() : null;
            float[] dw = toW ? w.grad() : null;
            for (int t = 0; t < n; t++) {
                for (int o = 0; o < out; o++) {
                    float g = dy[t * out + o];
                    if (g == 0f) {
                        continue;
                    }
                    int xb = t * in;
                    int wb = o * in;
                    if (toX) {
                        for (int k = 0; k < in; k++) {
                            dx[xb + k] += g * wv[wb + k];
                        }
                    }
                    if (toW) {
                        for (int k = 0; k < in; k++) {
                            dw[wb + k] += g * xv[xb + k];
                        }
                    }
                }
            }
        });
        return y;
    }

    private static void requireCols(Var x, int in, String what) {
        if (x.cols != in) {
            throw new IllegalArgumentException(what + " takes rows of " + in + ", got (" + x.rows + ", " + x.cols + ")");
        }
    }
}
