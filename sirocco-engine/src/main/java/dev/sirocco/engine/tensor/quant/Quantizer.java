package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Encodes floats into a ggml format, byte-identical to llama-quantize without an importance matrix
 * (the {@code quantize_row_*_ref} functions). For Q8_1 and Q8_K, which never appear in files, it uses
 * the activation rounding of {@link ActivationQuantizer}.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Whether {@link #quantize} can produce {@code target}. */
    public static boolean canQuantizeTo(GgmlType target) {
        BlockCodec c = Codecs.find(target);
        return c != null && c.canQuantize();
    }

    /**
     * Encodes {@code src[srcOff .. srcOff+n)} as {@code target} into {@code target.bytesFor(n)} bytes at
     * {@code dst[dstOff ..]}; {@code n} must be a whole number of blocks. Rows are independent, so a
     * matrix is quantized by calling this once for all of it or once per row with the same result.
     */
    public static void quantize(GgmlType target, float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        Codecs.of(target).quantize(src, srcOff, n, dst, dstOff);
    }
}
