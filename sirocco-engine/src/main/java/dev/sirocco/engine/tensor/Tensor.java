package dev.sirocco.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named n-dimensional array in one of ggml's formats, viewing bytes it does not own
 * (usually a slice of the memory-mapped GGUF file; weights are never copied onto the heap).
 *
 * <p>{@code shape} is in ggml order: {@code shape[0]} is the innermost, contiguous dimension
 * (the length of a row), so a weight matrix {@code W} with {@code y = W x} has
 * {@code shape = {in, out}} and {@code rows() = out}.
 */
public record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {

    public Tensor {
        shape = shape.clone();
        long expected = type.bytesFor(elementCount(shape));
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + name + " " + type + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.byteSize());
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        return elementCount(shape);
    }

    /** Length of one row (the innermost dimension). */
    public int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    /** Number of rows: the product of all dimensions but the innermost. */
    public long rows() {
        return elementCount() / shape[0];
    }

    public long rowBytes() {
        return type.bytesFor(shape[0]);
    }

    /** The bytes of row {@code r}. */
    public MemorySegment row(long r) {
        long rb = rowBytes();
        return data.asSlice(r * rb, rb);
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape);
    }
}
