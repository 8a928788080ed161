package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Matrix products: {@code y = x W^T} for a frozen engine weight in any tensor type (forward through the engine's
 * own kernels, so it rounds as the engine does; backward with the dequantized weight, through a cached F32 transpose
 * ({@link TransposedWeights}) or one row at a time; QLoRA when the weight is quantized) and for a trainable F32
 * matrix (LoRA's A and B, or fully trained weights).
 */
public final class Matmuls {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Matmuls() {
    }

    /**
     * {@code x (n, in)} times frozen {@code weight} ({in, out} in ggml order) plus {@code bias} ({@code out}, or null)
     * → {@code (n, out)}. The gradient flows to {@code x} only.
     */
    public static Var frozen(Tape tape, Var x, Tensor weight, float[] bias, Kernels kernels) {
        return frozen(tape, x, weight, bias, kernels, null);
    }

    /** As above; with {@code transposes} (may be null) the backward runs as a matmul with the cached {@code W^T}. */
    public static Var frozen(Tape tape, Var x, Tensor weight, float[] bias, Kernels kernels, TransposedWeights transposes) {
        int in = weight.rowLength();
        int out = Math.toIntExact(weight.rows());
        requireCols(x, in, weight.name());
        int n = x.rows;
        Var y = tape.result(n, out, x);
        kernels.matmul(weight, x.value, y.value, n);
        if (bias != null) {
            for (int t = 0; t < n; t++) {
                for (int o = 0; o < out; o++) {
                    y.value[t * out + o] += bias[o];
                }
            }
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dx = x.grad();
            Tensor wt = transposes != null ? transposes.of(weight) : null;
            if (wt != null) {
                float[] tmp = new float[n * in];
                kernels.matmul(wt, dy, tmp, n);
                for (int i = 0; i < tmp.length; i++) {
                    dx[i] += tmp[i];
                }
            } else if (transposes != null) {
                transposes.addBackward(weight, dy, dx, n);
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
     * {@code x (n, in)} times trainable {@code w (out, in)} transposed → {@code (n, out)}, all three products (forward,
     * {@code dx = dy w}, {@code dw = dy^T x}) through the engine's F32 matmul: each operand is laid out as an F32
     * tensor first (a copy of O(size), against O(n size) arithmetic). {@link #dense(Tape, Var, Var)} is its reference.
     */
    public static Var dense(Tape tape, Var x, Var w, Kernels kernels) {
        int in = w.cols;
        int out = w.rows;
        requireCols(x, in, "dense weight");
        int n = x.rows;
        Var y = tape.result(n, out, x, w);
        kernels.matmul(f32("w", w.value, in, out), x.value, y.value, n);
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            if (x.requiresGrad()) {
                float[] tmp = new float[n * in];
                kernels.matmul(f32("w^T", transpose(w.value, out, in), out, in), dy, tmp, n); // (n, in)
                add(x.grad(), tmp);
            }
            if (w.requiresGrad()) {
                float[] tmp = new float[out * in];
                kernels.matmul(f32("x^T", transpose(x.value, n, in), n, in), transpose(dy, n, out), tmp, out); // (out, in)
                add(w.grad(), tmp);
            }
        });
        return y;
    }

    /** A (rows = out, rowLength = in) F32 tensor holding {@code values}. */
    private static Tensor f32(String name, float[] values, int in, int out) {
        // native, as the engine's weights always are: its vector loads are slower on heap segments
        MemorySegment seg = Arena.ofAuto().allocate(4L * values.length, 64);
        MemorySegment.copy(values, 0, seg, LE_FLOAT, 0, values.length);
        return new Tensor(name, GgmlType.F32, new long[]{in, out}, seg);
    }

    /** {@code (rows, cols)} row-major → {@code (cols, rows)}. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private static void add(float[] into, float[] values) {
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
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
