package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.Tensor;

/**
 * A projection {@code y = W x (+ b)}: {@code weight} has shape {in, out} in ggml order; {@code bias}
 * (F32, {out}) is null when the model has none.
 */
public record Linear(Tensor weight, float[] bias) {
    public int in() {
        return weight.rowLength();
    }

    public int out() {
        return Math.toIntExact(weight.rows());
    }
}
