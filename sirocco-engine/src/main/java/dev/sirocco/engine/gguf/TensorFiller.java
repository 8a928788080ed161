package dev.sirocco.engine.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Writes one tensor's encoded bytes straight into the output file, so a writer of a large model
 * never holds all tensors in memory. {@code dst} is exactly {@code type.bytesFor(elements)} bytes.
 */
@FunctionalInterface
public interface TensorFiller {
    void fill(MemorySegment dst) throws IOException;
}
