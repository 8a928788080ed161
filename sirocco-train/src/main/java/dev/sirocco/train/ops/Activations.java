package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** The gated feed-forward activations: SwiGLU {@code silu(g) * u} and GeGLU {@code gelu_tanh(g) * u}. */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_A = 0.044715;

    private Activations() {
    }

    /**
     * SwiGLU {@code g / (1 + exp(-g)) * u}, forward and backward on the engine's vector exp (ggml's own SwiGLU loop, which
     * inference runs, took 8% of a training step here; the two differ by an ulp of exp at most).
     */
    public static Var swiglu(Tape tape, Var gate, Var up) {
        requireSame(gate, up);
        Var y = tape.result(gate.rows, gate.cols, gate, up);
        int cols = gate.cols;
        tape.forRange(gate.rows, 4L * cols, (from, to) -> {
            int lo = from * cols;
            int hi = to * cols;
            Bulk.MATH.exp(gate.value, lo, -1f, 0f, y.value, lo, hi - lo); // exp(-g), then g / (1 + exp(-g)) * u in place
            for (int i = lo; i < hi; i++) {
                y.value[i] = gate.value[i] / (1f + y.value[i]) * up.value[i];
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dg = gate.requiresGrad() ? gate.grad() : null;
            float[] du = up.requiresGrad() ? up.grad() : null;
            tape.forRange(gate.rows, 4L * cols, (from, to) -> {
                float[] e = new float[cols];
                for (int r = from; r < to; r++) {
                    int off = r * cols;
                    Bulk.MATH.exp(gate.value, off, -1f, 0f, e, 0, cols);  // exp(-g)
                    for (int i = 0; i < cols; i++) {
                        float g = gate.value[off + i];
                        float sig = 1f / (1f + e[i]);
                        float d = dy[off + i];
                        if (dg != null) {
                            dg[off + i] += d * up.value[off + i] * sig * (1f + g * (1f - sig));
                        }
                        if (du != null) {
                            du[off + i] += d * g * sig;
                        }
                    }
                }
            });
        });
        return y;
    }

    /**
     * GeGLU with the tanh approximation of GELU, in full precision (the engine looks GELU up in an F16 table as ggml
     * does, which differs from this by up to ~1e-3 relative).
     */
    public static Var geglu(Tape tape, Var gate, Var up) {
        requireSame(gate, up);
        Var y = tape.result(gate.rows, gate.cols, gate, up);
        tape.forRange(y.size(), 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                y.value[i] = (float) (gelu(gate.value[i]) * up.value[i]);
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dg = gate.requiresGrad() ? gate.grad() : null;
            float[] du = up.requiresGrad() ? up.grad() : null;
            tape.forRange(dy.length, 16, (from, to) -> geluBackward(from, to, gate.value, up.value, dy, dg, du));
        });
        return y;
    }

    private static void geluBackward(int from, int to, float[] gate, float[] up, float[] dy, float[] dg, float[] du) {
        for (int i = from; i < to; i++) {
            double x = gate[i];
            if (dg != null) {
                double inner = SQRT_2_OVER_PI * (x + GELU_A * x * x * x);
                double t = Math.tanh(inner);
                double d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_A * x * x);
                dg[i] += (float) (dy[i] * up[i] * d);
            }
            if (du != null) {
                du[i] += (float) (dy[i] * gelu(x));
            }
        }
    }

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_A * x * x * x)));
    }

    private static void requireSame(Var a, Var b) {
        if (a.rows != b.rows || a.cols != b.cols) {
            throw new IllegalArgumentException("gate (" + a.rows + ", " + a.cols + ") and up (" + b.rows + ", " + b.cols + ") differ");
        }
    }
}
