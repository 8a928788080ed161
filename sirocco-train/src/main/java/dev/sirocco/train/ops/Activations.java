package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** The gated feed-forward activations: SwiGLU {@code silu(g) * u} and GeGLU {@code gelu_tanh(g) * u}. */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_A = 0.044715;

    private Activations() {
    }

    public static Var swiglu(Tape tape, Var gate, Var up) {
        requireSame(gate, up);
        Var y = tape.result(gate.rows, gate.cols, gate, up);
        for (int i = 0; i < y.size(); i++) {
            float g = gate.value[i];
            y.value[i] = g / (1f + (float) Math.exp(-g)) * up.value[i];
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dg = gate.requiresGrad() ? gate.grad() : null;
            float[] du = up.requiresGrad() ? up.grad() : null;
            for (int i = 0; i < dy.length; i++) {
                double g = gate.value[i];
                double sig = 1 / (1 + Math.exp(-g));
                if (dg != null) {
                    dg[i] += (float) (dy[i] * up.value[i] * sig * (1 + g * (1 - sig)));
                }
                if (du != null) {
                    du[i] += (float) (dy[i] * g * sig);
                }
            }
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
        for (int i = 0; i < y.size(); i++) {
            y.value[i] = (float) (gelu(gate.value[i]) * up.value[i]);
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dg = gate.requiresGrad() ? gate.grad() : null;
            float[] du = up.requiresGrad() ? up.grad() : null;
            for (int i = 0; i < dy.length; i++) {
                double x = gate.value[i];
                if (dg != null) {
                    double inner = SQRT_2_OVER_PI * (x + GELU_A * x * x * x);
                    double t = Math.tanh(inner);
                    double d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_A * x * x);
                    dg[i] += (float) (dy[i] * up.value[i] * d);
                }
                if (du != null) {
                    du[i] += (float) (dy[i] * gelu(x));
                }
            }
        });
        return y;
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
