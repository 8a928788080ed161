package dev.sirocco.engine.gguf;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * One entry of a GGUF file's tensor table, validated: {@code shape} in ggml order (shape[0] = row length),
 * {@code offset} the absolute file offset of its data and {@code byteSize} the length of that data.
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset, long byteSize) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return Tensor.elementCount(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape) + " @" + offset + " (" + byteSize + " bytes)";
    }
}
