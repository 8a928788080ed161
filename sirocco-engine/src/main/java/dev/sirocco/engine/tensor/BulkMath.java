package dev.sirocco.engine.tensor;

/**
 * Float math over whole arrays that C2 does not vectorise by itself (exp has no auto-vectorised form): what training's
 * softmax, cross-entropy and SwiGLU run on. Exp is ggml's polynomial {@code ggml_v_expf}
 * ({@link ScalarAttentionKernels#expf}), built from multiply-adds, shifts and blends only, so the vector and scalar
 * implementations give the same bits, in every JIT tier (the JDK's vector EXP calls a native library once C2 has
 * compiled a loop but {@code Math.exp} before, which differ in the last bit: training would not be reproducible), and
 * every element the same value wherever a caller cuts its ranges. Sums are taken in element order, in double.
 */
public interface BulkMath {

    /**
     * {@code dst[dstOff + i] = exp(scale * src[srcOff + i] - shift)} for {@code i < n}; returns their sum, taken in
     * element order in double (src and dst may be the same range).
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
