package dev.sirocco.train.autograd;

/**
 * A trainable (rows, cols) matrix and its gradient, which outlives tapes: every backward pass adds into
 * {@link #grad}, so several forward/backward passes accumulate before the optimizer step zeroes it.
 */
public final class Parameter {
    public final String name;
    public final int rows;
    public final int cols;
    public final float[] value; // (rows, cols)
    public final float[] grad;  // (rows, cols)

    public Parameter(String name, int rows, int cols, float[] value) {
        if (value.length != rows * cols) {
            throw new IllegalArgumentException(name + ": (" + rows + ", " + cols + ") needs " + rows * cols + " floats, got " + value.length);
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.value = value;
        this.grad = new float[value.length];
    }

    public void zeroGrad() {
        java.util.Arrays.fill(grad, 0f);
    }
}
