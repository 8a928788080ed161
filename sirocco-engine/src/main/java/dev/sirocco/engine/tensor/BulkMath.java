package dev.sirocco.engine.tensor;

/**
 * Float math over whole arrays that C2 does not vectorise by itself (exp has no auto-vectorised form): what training's
 * softmax, cross-entropy and SwiGLU backward run on. Unlike {@link AttentionKernels} this follows no ggml arithmetic,
 * so the vector implementation and the scalar one ({@link ScalarBulkMath}) may differ in the last bit; each computes
 * every element with the same function wherever it sits in the array, so results do not depend on how a caller cuts
 * its work into ranges.
 */
public interface BulkMath {

    /**
     * {@code dst[dstOff + i] = exp(scale * src[srcOff + i] - shift)} for {@code i < n}; returns their sum, taken in
     * double (src and dst may be the same range).
     */
    double exp(float[] src, int srcOff, float scale, float shift, float[] dst, int dstOff, int n);

    /** The largest of {@code x[off .. off + n)} ({@code -Infinity} when {@code n} is 0; NaN when any is NaN). */
    float max(float[] x, int off, int n);

    /** The vector implementation when the {@code jdk.incubator.vector} module is present and not switched off. */
    static BulkMath create(boolean forceScalar) {
        if (forceScalar || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarBulkMath();
        }
        return new dev.sirocco.engine.tensor.simd.VectorBulkMath();
    }
}
