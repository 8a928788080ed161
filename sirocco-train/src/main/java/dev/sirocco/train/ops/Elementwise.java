package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** Element-wise ops: residual add, scaling, logit soft-capping. */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code a + b}, same shapes. */
    public static Var add(Tape tape, Var a, Var b) {
        if (a.rows != b.rows || a.cols != b.cols) {
            throw new IllegalArgumentException("add of (" + a.rows + ", " + a.cols + ") and (" + b.rows + ", " + b.cols + ")");
        }
        Var y = tape.result(a.rows, a.cols, a, b);
        for (int i = 0; i < y.size(); i++) {
            y.value[i] = a.value[i] + b.value[i];
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            for (Var in : new Var[]{a, b}) {
                if (in.requiresGrad()) {
                    float[] d = in.grad();
                    for (int i = 0; i < d.length; i++) {
                        d[i] += dy[i];
                    }
                }
            }
        });
        return y;
    }

    /** {@code a} plus the frozen row {@code bias} added to every row (a projection's bias). */
    public static Var addRow(Tape tape, Var a, float[] bias) {
        if (bias.length != a.cols) {
            throw new IllegalArgumentException("a bias of " + bias.length + " for rows of " + a.cols);
        }
        Var y = tape.result(a.rows, a.cols, a);
        for (int i = 0; i < y.size(); i++) {
            y.value[i] = a.value[i] + bias[i % a.cols];
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            for (int i = 0; i < d.length; i++) {
                d[i] += dy[i];
            }
        });
        return y;
    }

    /** {@code s * a}. */
    public static Var scale(Tape tape, Var a, float s) {
        Var y = tape.result(a.rows, a.cols, a);
        for (int i = 0; i < y.size(); i++) {
            y.value[i] = a.value[i] * s;
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            for (int i = 0; i < d.length; i++) {
                d[i] += dy[i] * s;
            }
        });
        return y;
    }

    /** {@code cap * tanh(a / cap)} (Gemma's final logit soft-capping). */
    public static Var softcap(Tape tape, Var a, float cap) {
        Var y = tape.result(a.rows, a.cols, a);
        for (int i = 0; i < y.size(); i++) {
            y.value[i] = cap * (float) Math.tanh(a.value[i] / cap);
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            for (int i = 0; i < d.length; i++) {
                float t = y.value[i] / cap;
                d[i] += dy[i] * (1f - t * t);
            }
        });
        return y;
    }
}
