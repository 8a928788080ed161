package dev.sirocco.models.convert;

import java.lang.foreign.MemorySegment;

/**
 * One tensor of a safetensors file: a slice of its memory map.
 *
 * @param shape PyTorch order (row-major, last dimension contiguous) — the reverse of ggml's
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, MemorySegment data) {
    public SafetensorsTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The length of a row (the last dimension; 1 for a scalar). */
    public long rowLength() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }
}
