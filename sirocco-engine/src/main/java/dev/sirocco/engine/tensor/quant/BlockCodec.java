package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Decodes, encodes and dots one ggml block format; the scalar reference every faster kernel is held to.
 * Element counts are always whole blocks of {@link GgmlType#blockSize()}; offsets are in bytes for
 * segments and in elements for float arrays. Implementations are stateless and thread-safe.
 */
public interface BlockCodec {

    GgmlType type();

    /** {@code dst[dstOff .. dstOff+n)} = the {@code n} elements stored at {@code src[srcOff ..]}, as ggml's dequantize_row. */
    void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);

    /** Whether {@link #quantize} exists for this format. */
    default boolean canQuantize() {
        return false;
    }

    /**
     * Encodes {@code src[srcOff .. srcOff+n)} into {@code type().bytesFor(n)} bytes at {@code dst[dstOff ..]},
     * exactly as the reference quantizer llama-quantize uses without an importance matrix.
     */
    default void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        throw new UnsupportedOperationException("no quantizer to " + type());
    }

    /**
     * The format {@code matmul} rounds activations to before dotting them with weights in this format
     * (ggml's {@code vec_dot_type}); null when this format only ever holds activations (Q8_1, Q8_K).
     */
    GgmlType vecDotType();

    /**
     * The dot product of {@code n} weights in this format at {@code w[wOff ..]} with {@code n} activations in
     * {@link #vecDotType()} at {@code a[aOff ..]}, with ggml's integer sums and float scaling order.
     */
    default float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        throw new UnsupportedOperationException(type() + " is not a weight format");
    }

    /**
     * {@link #dot} in the float order llama.cpp uses for weights it repacks (only Q4_0 and Q4_K; see
     * {@code tensor.RepackedWeights}): {@code gemm} when the activation row is one of a tile of four.
     */
    default float repackedDot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n, boolean gemm) {
        throw new UnsupportedOperationException(type() + " weights are never repacked");
    }

    /** Throws unless {@code n} is a positive whole number of blocks. */
    default int blocks(int n) {
        int bs = type().blockSize();
        if (n < 0 || n % bs != 0) {
            throw new IllegalArgumentException(type() + " needs a multiple of " + bs + " elements, got " + n);
        }
        return n / bs;
    }
}
