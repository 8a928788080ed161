package dev.sirocco.train.autograd;

/**
 * A value on the tape: a (rows, cols) row-major float matrix and, when something trainable feeds it, its gradient
 * (same shape, allocated on first use). Created by a {@link Tape}; ops read {@link #value} and add into {@link #grad()}.
 */
public final class Var {
    public final int rows;
    public final int cols;
    public final float[] value;   // (rows, cols)
    final boolean requiresGrad;
    private float[] grad;         // (rows, cols), null until needed

    Var(int rows, int cols, float[] value, float[] grad, boolean requiresGrad) {
        if (value.length != rows * cols) {
            throw new IllegalArgumentException("a (" + rows + ", " + cols + ") value needs " + rows * cols + " floats, got " + value.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.value = value;
        this.grad = grad;
        this.requiresGrad = requiresGrad;
    }

    /** Whether a gradient flows back through this value (a parameter, or something computed from one). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient of the loss with respect to this value; zeros before {@link Tape#backward}. */
    public float[] grad() {
        if (grad == null) {
            grad = new float[value.length];
        }
        return grad;
    }

    public int size() {
        return value.length;
    }
}
