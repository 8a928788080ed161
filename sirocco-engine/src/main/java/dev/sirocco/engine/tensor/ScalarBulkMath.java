package dev.sirocco.engine.tensor;

/** {@link BulkMath} in plain loops: the reference, and what runs without the Vector API (the same bits). */
public final class ScalarBulkMath implements BulkMath {

    @Override
    public double exp(float[] src, int srcOff, float scale, float shift, float[] dst, int dstOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = ScalarAttentionKernels.expf(scale * src[srcOff + i] - shift);
            dst[dstOff + i] = e;
            sum += e;
        }
        return sum;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }
}
