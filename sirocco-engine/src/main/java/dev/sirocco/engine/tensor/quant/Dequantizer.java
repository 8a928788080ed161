package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** Decodes any ggml format Sirocco knows to floats, exactly as ggml's {@code dequantize_row_*}. */
public final class Dequantizer {
    private Dequantizer() {
    }

    /**
     * {@code dst[dstOff .. dstOff+n)} = the {@code n} elements of type {@code type} stored at
     * {@code src[srcOff ..]}; {@code n} must be a whole number of blocks.
     */
    public static void dequantize(GgmlType type, MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        Codecs.of(type).dequantize(src, srcOff, dst, dstOff, n);
    }
}
