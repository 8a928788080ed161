package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;

/** One tensor of a model file: name, type, shape in ggml order ({@code shape[0]} = row length). */
public record TensorPlan(String name, GgmlType type, long[] shape) {

    public TensorPlan {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
