package dev.sirocco.engine.quantize;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * One tensor of a {@link QuantizationPlan}: its name and shape (ggml order, shape[0] = row length), the type
 * it has in the input and the type it gets in the output.
 */
public record PlannedTensor(String name, long[] shape, GgmlType from, GgmlType to) {

    public PlannedTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether the bytes must be re-encoded (otherwise they are copied as they are). */
    public boolean converts() {
        return from != to;
    }

    public long elementCount() {
        return Tensor.elementCount(shape);
    }

    public long bytesBefore() {
        return from.bytesFor(elementCount());
    }

    public long bytesAfter() {
        return to.bytesFor(elementCount());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlannedTensor p && name.equals(p.name) && Arrays.equals(shape, p.shape)
                && from == p.from && to == p.to;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + from + " -> " + to;
    }
}
