package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** Element-wise ops: residual add, scaling, logit soft-capping; spread over the tape's threads in ranges of elements. */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code a + b}, same shapes. */
    public static Var add(Tape tape, Var a, Var b) {
        if (a.rows != b.rows || a.cols != b.cols) {
            throw new IllegalArgumentException("add of (" + a.rows + ", " + a.cols + ") and (" + b.rows + ", " + b.cols + ")");
        }
        Var y = tape.result(a.rows, a.cols, a, b);
        tape.forRange(y.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                y.value[i] = a.value[i] + b.value[i];
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] da = a.requiresGrad() ? a.grad() : null;
            float[] db = b.requiresGrad() ? b.grad() : null;
            tape.forRange(dy.length, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    if (da != null) {
                        da[i] += dy[i];
                    }
                    if (db != null) {
                        db[i] += dy[i];
                    }
                }
            });
        });
        return y;
    }

    /** {@code a} plus the frozen row {@code bias} added to every row (a projection's bias). */
    public static Var addRow(Tape tape, Var a, float[] bias) {
        if (bias.length != a.cols) {
            throw new IllegalArgumentException("a bias of " + bias.length + " for rows of " + a.cols);
        }
        Var y = tape.result(a.rows, a.cols, a);
        int cols = a.cols;
        tape.forRange(a.rows, cols, (from, to) -> {
            for (int i = from * cols; i < to * cols; i++) {
                y.value[i] = a.value[i] + bias[i % cols];
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            tape.forRange(d.length, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    d[i] += dy[i];
                }
            });
        });
        return y;
    }

    /** {@code s * a}. */
    public static Var scale(Tape tape, Var a, float s) {
        Var y = tape.result(a.rows, a.cols, a);
        tape.forRange(y.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                y.value[i] = a.value[i] * s;
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            tape.forRange(d.length, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    d[i] += dy[i] * s;
                }
            });
        });
        return y;
    }

    /** {@code cap * tanh(a / cap)} (Gemma's final logit soft-capping). */
    public static Var softcap(Tape tape, Var a, float cap) {
        Var y = tape.result(a.rows, a.cols, a);
        tape.forRange(y.size(), 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                y.value[i] = cap * (float) Math.tanh(a.value[i] / cap);
            }
        });
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = a.grad();
            tape.forRange(d.length, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float t = y.value[i] / cap;
                    d[i] += dy[i] * (1f - t * t);
                }
            });
        });
        return y;
    }
}
