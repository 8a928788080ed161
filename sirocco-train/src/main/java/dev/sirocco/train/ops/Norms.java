package dev.sirocco.train.ops;

import dev.sirocco.engine.model.FloatOps;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** RMSNorm with a frozen gain, over groups of {@code width} columns (the whole row, or one head for QK-norm). */
public final class Norms {
    private Norms() {
    }

    /**
     * {@code y = x / sqrt(mean(x^2) + eps) * weight} per group of {@code width} consecutive elements; forward is the
     * engine's own {@link FloatOps#rmsNorm}, so it rounds as inference does.
     */
    public static Var rmsNorm(Tape tape, Var x, float[] weight, float eps, int width) {
        if (x.cols % width != 0 || weight.length != width) {
            throw new IllegalArgumentException("rmsNorm of width " + width + " (gain of " + weight.length + ") over rows of " + x.cols);
        }
        Var y = tape.result(x.rows, x.cols, x);
        forward(tape, x, y, weight, eps, width);
        tape.onBackward(y, () -> backwardToInput(tape, x, y.grad(), weight, eps, width));
        return y;
    }

    /** As {@link #rmsNorm(Tape, Var, float[], float, int)} with a trainable gain {@code (1, width)}; gradients to x and the gain. */
    public static Var rmsNorm(Tape tape, Var x, Var gain, float eps, int width) {
        if (x.cols % width != 0 || gain.size() != width) {
            throw new IllegalArgumentException("rmsNorm of width " + width + " (gain of " + gain.size() + ") over rows of " + x.cols);
        }
        float[] weight = gain.value;
        Var y = tape.result(x.rows, x.cols, x, gain);
        forward(tape, x, y, weight, eps, width);
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            double[] r = x.requiresGrad() ? backwardToInput(tape, x, dy, weight, eps, width) : inverseRms(tape, x, eps, width);
            if (gain.requiresGrad()) {
                // dw_i = sum over groups of dy_i x_i r, by columns so each sum runs over the groups in order
                float[] dw = gain.grad();
                int groups = r.length;
                tape.forRange(width, groups, (from, to) -> {
                    for (int g = 0; g < groups; g++) {
                        int off = g * width;
                        for (int i = from; i < to; i++) {
                            dw[i] += (float) (dy[off + i] * x.value[off + i] * r[g]);
                        }
                    }
                });
            }
        });
        return y;
    }

    private static void forward(Tape tape, Var x, Var y, float[] weight, float eps, int width) {
        tape.forRange(x.size() / width, width, (from, to) -> {
            for (int g = from; g < to; g++) {
                FloatOps.rmsNorm(y.value, g * width, x.value, g * width, weight, width, eps);
            }
        });
    }

    /**
     * Adds the gradient to x, group by group: with {@code y_i = x_i r w_i}, {@code r = (mean(x^2) + eps)^-1/2},
     * {@code dx_i = r w_i dy_i - x_i r^3 / n * sum_j dy_j w_j x_j}. Returns each group's r.
     */
    private static double[] backwardToInput(Tape tape, Var x, float[] dy, float[] weight, float eps, int width) {
        float[] dx = x.grad();
        double[] r = new double[x.size() / width];
        tape.forRange(r.length, 2L * width, (from, to) -> {
            for (int g = from; g < to; g++) {
                int off = g * width;
                double ss = 0;
                double dot = 0;
                for (int i = 0; i < width; i++) {
                    double v = x.value[off + i];
                    ss += v * v;
                    dot += (double) dy[off + i] * weight[i] * v;
                }
                double rg = 1.0 / Math.sqrt(ss / width + eps);
                double k = rg * rg * rg * dot / width;
                for (int i = 0; i < width; i++) {
                    dx[off + i] += (float) (rg * weight[i] * dy[off + i] - x.value[off + i] * k);
                }
                r[g] = rg;
            }
        });
        return r;
    }

    private static double[] inverseRms(Tape tape, Var x, float eps, int width) {
        double[] r = new double[x.size() / width];
        tape.forRange(r.length, width, (from, to) -> {
            for (int g = from; g < to; g++) {
                double ss = 0;
                for (int i = 0; i < width; i++) {
                    double v = x.value[g * width + i];
                    ss += v * v;
                }
                r[g] = 1.0 / Math.sqrt(ss / width + eps);
            }
        });
        return r;
    }
}
