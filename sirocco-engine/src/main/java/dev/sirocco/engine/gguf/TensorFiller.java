package dev.sirocco.engine.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Writes one tensor's encoded bytes straight into the output file, so a writer of a large model
 * never holds all tensors in memory. {@code dst} is exactly {@code type.bytesFor(elements)} bytes of a
 * memory map of the output, starts zeroed, and is valid only until {@code fill} returns.
 */
@FunctionalInterface
public interface TensorFiller {
    void fill(MemorySegment dst) throws IOException;
}
