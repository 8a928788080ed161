package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** Quantizes random F32 weights into ggml block formats, through the engine's quantizers. */
final class Quantization {

    private Quantization() {
    }

    static void quantize(GgmlType type, float[] values, int rowLength, MemorySegment dst) {
        throw new UnsupportedOperationException("random weights in " + type
                + " need the engine's quantizers (dev.sirocco.engine.tensor.quant), not merged into the testkit yet");
    }
}
