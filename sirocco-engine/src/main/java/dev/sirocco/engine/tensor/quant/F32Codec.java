package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** Plain little-endian floats. The dot product sums float products in double, like ggml's scalar ggml_vec_dot_f32. */
public final class F32Codec implements BlockCodec {
    public static final F32Codec INSTANCE = new F32Codec();

    private F32Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Le.f32(src, srcOff + 4L * i);
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        for (int i = 0; i < n; i++) {
            Le.putF32(dst, dstOff + 4L * i, src[srcOff + i]);
        }
    }

    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        // ggml's non-SIMD fallback: each product rounded to float, the sum kept in double (ggml_float).
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Le.f32(w, wOff + 4L * i) * Le.f32(a, aOff + 4L * i);
        }
        return (float) sum;
    }
}
