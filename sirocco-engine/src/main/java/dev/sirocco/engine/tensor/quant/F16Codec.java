package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** IEEE half floats; dots F16 weights with F16-rounded activations, float products summed in double like ggml's scalar ggml_vec_dot_f16. */
public final class F16Codec implements BlockCodec {
    public static final F16Codec INSTANCE = new F16Codec();

    private F16Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Le.half(src, srcOff + 2L * i);
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        for (int i = 0; i < n; i++) {
            Le.putHalf(dst, dstOff + 2L * i, src[srcOff + i]);
        }
    }

    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Le.half(w, wOff + 2L * i) * Le.half(a, aOff + 2L * i);
        }
        return (float) sum;
    }
}
