package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.ScalarAttentionKernels;

/** Placeholder: the scalar reference until the vector loops land. */
public final class VectorAttentionKernels implements AttentionKernels {
    private final ScalarAttentionKernels s = new ScalarAttentionKernels();

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return s.dot(x, xOff, y, yOff, n);
    }

    @Override
    public float dotHalf(float[] x, int xOff, short[] y, int yOff, int n) {
        return s.dotHalf(x, xOff, y, yOff, n);
    }

    @Override
    public double softmaxNumerators(float[] x, int off, int n, int cell0, float max) {
        return s.softmaxNumerators(x, off, n, cell0, max);
    }

    @Override
    public void weightedSum(float[] w, int wOff, int n, int cell0, float[] v, int vOff, int stride, int width, boolean gemm, float[] acc, float[] out, int outOff) {
        s.weightedSum(w, wOff, n, cell0, v, vOff, stride, width, gemm, acc, out, outOff);
    }

    @Override
    public void weightedSumHalf(float[] w, int wOff, int n, int cell0, short[] v, int vOff, int stride, int width, boolean gemm, float[] acc, float[] out, int outOff) {
        s.weightedSumHalf(w, wOff, n, cell0, v, vOff, stride, width, gemm, acc, out, outOff);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int off, int n) {
        s.swiglu(gate, up, off, n);
    }
}
