package dev.sirocco.train.autograd;

import dev.sirocco.engine.tensor.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode automatic differentiation: ops append a backward step as they compute forward, and
 * {@link #backward} runs the steps in reverse order, each adding its output's gradient into its inputs' gradients.
 * One tape per forward pass; only values that depend on a {@link Parameter} get steps, so a frozen prefix of the
 * model (everything before the first adapted projection) costs nothing backward. The tape also carries the threads
 * its ops spread their rows over ({@link #parallel()}).
 */
public final class Tape {
    private final List<Runnable> steps = new ArrayList<>();
    private final Parallel parallel;
    private final long spreadMin = Long.getLong("sirocco.train.spreadMin", SPREAD_MIN);

    /** A tape whose ops run on the calling thread alone. */
    public Tape() {
        this(Parallel.serial());
    }

    /**
     * A tape whose ops spread rows and elements over {@code parallel}. Every op writes disjoint outputs per task or
     * reduces in a fixed order, so the values do not depend on the thread count.
     */
    public Tape(Parallel parallel) {
        this.parallel = parallel;
    }

    /** The threads ops on this tape run on. Never call the kernels' gemm from inside one of its bodies. */
    public Parallel parallel() {
        return parallel;
    }

    /**
     * Below this many element steps an op runs on the caller alone: waking the other threads costs more. The system
     * property {@code sirocco.train.spreadMin} overrides it (tests set 0 to spread every op).
     */
    static final long SPREAD_MIN = 1 << 17;

    /**
     * Runs {@code body} over ranges of {@code 0..n}: spread over {@link #parallel()} when the {@code n} items of about
     * {@code stepsPerItem} element steps each are worth it, else on the calling thread. Bodies must write disjoint
     * outputs per item (then the split never changes a value).
     */
    public void forRange(int n, long stepsPerItem, Parallel.RangeBody body) {
        if ((long) n * stepsPerItem < spreadMin || parallel.threads() == 1) {
            body.run(0, n);
        } else {
            parallel.forRange(n, 2, body);
        }
    }

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
