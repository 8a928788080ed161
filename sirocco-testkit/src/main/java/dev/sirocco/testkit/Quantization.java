package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.Quantizer;

import java.lang.foreign.MemorySegment;

/** Quantizes random F32 weights into ggml block formats with the engine's reference quantizers (= llama-quantize without imatrix). */
final class Quantization {

    private Quantization() {
    }

    static void quantize(GgmlType type, float[] values, int rowLength, MemorySegment dst) {
        if (!Quantizer.canQuantizeTo(type)) {
            throw new UnsupportedOperationException("the engine has no quantizer to " + type + " yet");
        }
        if (rowLength % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " needs rows of a multiple of " + type.blockSize()
                    + " elements, got rows of " + rowLength + " (choose a larger dim/ffn for this type)");
        }
        Quantizer.quantize(type, values, 0, values.length, dst, 0);
    }
}
