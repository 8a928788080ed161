package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** The data and error measures of llama.cpp's tests/test-quantize-fns.cpp. */
final class SyntheticData {
    private SyntheticData() {
    }

    /** {@code 0.1 + amplitude * cos(i + offset)}, as generate_data. */
    static float[] cosine(float offset, int n, float amplitude) {
        float[] dst = new float[n];
        for (int i = 0; i < n; i++) {
            dst[i] = (float) (0.1 + amplitude * (float) Math.cos((float) i + offset));
        }
        return dst;
    }

    /** sqrt(sum of squared differences) / n: test-quantize-fns' "array_rmse" (sic). */
    static float arrayRmse(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = a[i] - b[i];
            sum += diff * diff;
        }
        return (float) (Math.sqrt(sum) / a.length);
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static MemorySegment encode(GgmlType type, float[] x) {
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(type.bytesFor(x.length))]);
        Quantizer.quantize(type, x, 0, x.length, seg, 0);
        return seg;
    }

    static float[] decode(GgmlType type, MemorySegment seg, int n) {
        float[] out = new float[n];
        Dequantizer.dequantize(type, seg, 0, out, 0, n);
        return out;
    }
}
