package dev.sirocco.train.autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode automatic differentiation: ops append a backward step as they compute forward, and
 * {@link #backward} runs the steps in reverse order, each adding its output's gradient into its inputs' gradients.
 * One tape per forward pass; only values that depend on a {@link Parameter} get steps, so a frozen prefix of the
 * model (everything before the first adapted projection) costs nothing backward.
 */
public final class Tape {
    private final List<Runnable> steps = new ArrayList<>();

    /** A value no gradient flows to (token embeddings of a frozen table, masks, ...). */
    public Var constant(float[] value, int rows, int cols) {
        return new Var(rows, cols, value, null, false);
    }

    /**
     * A value the gradient is wanted for without being a parameter: the input of a recomputed block
     * ({@link Recompute}), whose gradient is read after {@link #backward}.
     */
    public Var leaf(float[] value, int rows, int cols, boolean requiresGrad) {
        return new Var(rows, cols, value, null, requiresGrad);
    }

    /** The parameter as a value on this tape; its gradient array is the parameter's, so passes accumulate. */
    public Var param(Parameter p) {
        return new Var(p.rows, p.cols, p.value, p.grad, true);
    }

    /** A new (rows, cols) result that needs a gradient when any input does. */
    public Var result(int rows, int cols, Var... inputs) {
        boolean needs = false;
        for (Var v : inputs) {
            needs |= v.requiresGrad;
        }
        return new Var(rows, cols, new float[rows * cols], null, needs);
    }

    /** Records {@code step} to run during {@link #backward} if {@code out} needs a gradient. */
    public void onBackward(Var out, Runnable step) {
        if (out.requiresGrad) {
            steps.add(step);
        }
    }

    /** Seeds d(loss)/d(loss) = 1 for the scalar {@code loss} and propagates to every parameter. */
    public void backward(Var loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got (" + loss.rows + ", " + loss.cols + ")");
        }
        backward(loss, new float[]{1f});
    }

    /**
     * Seeds the gradient of {@code out} with {@code seed} (d(some scalar)/d(out)) and propagates: the scalar is then
     * {@code sum(seed * out)}, which is how gradient checks probe an op with a non-scalar output.
     */
    public void backward(Var out, float[] seed) {
        if (seed.length != out.size()) {
            throw new IllegalArgumentException("seed of " + seed.length + " for a value of " + out.size());
        }
        if (!out.requiresGrad) {
            throw new IllegalStateException("the loss does not depend on any parameter: nothing to train");
        }
        float[] g = out.grad();
        for (int i = 0; i < g.length; i++) {
            g[i] += seed[i];
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).run();
        }
        steps.clear();
    }
}
