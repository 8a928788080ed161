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
        int groups = x.size() / width;
        Var y = tape.result(x.rows, x.cols, x);
        for (int g = 0; g < groups; g++) {
            FloatOps.rmsNorm(y.value, g * width, x.value, g * width, weight, width, eps);
        }
        tape.onBackward(y, () -> {
            // y_i = x_i r w_i, r = (mean(x^2) + eps)^-1/2: dx_i = r w_i dy_i - x_i r^3 / n * sum_j dy_j w_j x_j
            float[] dy = y.grad();
            float[] dx = x.grad();
            for (int g = 0; g < groups; g++) {
                int off = g * width;
                double ss = 0;
                double dot = 0;
                for (int i = 0; i < width; i++) {
                    double v = x.value[off + i];
                    ss += v * v;
                    dot += (double) dy[off + i] * weight[i] * v;
                }
                double r = 1.0 / Math.sqrt(ss / width + eps);
                double k = r * r * r * dot / width;
                for (int i = 0; i < width; i++) {
                    dx[off + i] += (float) (r * weight[i] * dy[off + i] - x.value[off + i] * k);
                }
            }
        });
        return y;
    }

    /** As {@link #rmsNorm(Tape, Var, float[], float, int)} with a trainable gain {@code (1, width)}; gradients to x and the gain. */
    public static Var rmsNorm(Tape tape, Var x, Var gain, float eps, int width) {
        if (x.cols % width != 0 || gain.size() != width) {
            throw new IllegalArgumentException("rmsNorm of width " + width + " (gain of " + gain.size() + ") over rows of " + x.cols);
        }
        int groups = x.size() / width;
        float[] weight = gain.value;
        Var y = tape.result(x.rows, x.cols, x, gain);
        for (int g = 0; g < groups; g++) {
            FloatOps.rmsNorm(y.value, g * width, x.value, g * width, weight, width, eps);
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] dx = x.requiresGrad() ? x.grad() : null;
            float[] dw = gain.requiresGrad() ? gain.grad() : null;
            for (int g = 0; g < groups; g++) {
                int off = g * width;
                double ss = 0;
                double dot = 0;
                for (int i = 0; i < width; i++) {
                    double v = x.value[off + i];
                    ss += v * v;
                    dot += (double) dy[off + i] * weight[i] * v;
                }
                double r = 1.0 / Math.sqrt(ss / width + eps);
                double k = r * r * r * dot / width;
                for (int i = 0; i < width; i++) {
                    if (dx != null) {
                        dx[off + i] += (float) (r * weight[i] * dy[off + i] - x.value[off + i] * k);
                    }
                    if (dw != null) {
                        dw[i] += (float) (dy[off + i] * x.value[off + i] * r);
                    }
                }
            }
        });
        return y;
    }
}
