package dev.sirocco.engine.tensor;

/**
 * The float loops of attention and of the SwiGLU activation, in the exact arithmetic of ggml's AVX2 + FMA CPU code
 * (the haswell build llama.cpp is compared with): same fused multiply-adds, same lanes, same reduction trees.
 * Two implementations: {@link ScalarAttentionKernels}, the reference, and a Vector API one in {@code tensor.simd};
 * tests hold them to each other bit for bit.
 *
 * <p>ggml's two F32 dot-product shapes (see {@link ScalarAttentionKernels} for the lane trees):
 * <ul>
 *   <li><b>vec_dot</b> ({@code ggml_vec_dot_f32/f16}): 32 accumulator lanes, element {@code i} fused into lane
 *   {@code i % 32}, reduced 32 → 16 → 8 → 4 → 1; what one-token matmuls and every KQ product use.</li>
 *   <li><b>gemm</b> (llamafile's tinyBLAS): 8 lanes, element {@code i} into lane {@code i % 8}, reduced 8 → 4 → 2 → 1;
 *   what matmuls of two or more tokens use (KQV during prompt processing, F32/F16/BF16 weights).</li>
 * </ul>
 */
public interface AttentionKernels {

    /** Lanes of the vec_dot accumulators (GGML_F32_STEP on AVX2). */
    int VEC_DOT_LANES = 32;
    /** Lanes of the tinyBLAS accumulators (one __m256). */
    int GEMM_LANES = 8;

    /** {@code sum x[i] * y[i]} as ggml_vec_dot_f32: the {@code n % 32} tail is then added to the float result in order, each product rounded (llama.cpp's build does not fuse it: measured, headDim 16 and 8 models match only so). */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code sum x[i] * y[i]} as ggml_vec_dot_f16 over F16 {@code y} already widened to floats (widening is exact;
     * {@code x} already rounded to F16): the {@code n % 32} tail is added in double, each product rounded to float.
     * The caller widens a key once for every query that meets it, with the hardware conversion, instead of once per
     * dot ({@link ScalarAttentionKernels#dotHalf} is the reference over the halves themselves).
     */
    float dotWidened(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * The softmax numerators of ggml_vec_soft_max_f32: {@code x[off + j] = expf(x[off + j] - max)} for {@code j < n},
     * with ggml's polynomial exp; returns their sum, taken per block of 8 cells (a float tree) and then in double.
     * Element {@code j} is KV cell {@code cell0 + j}; blocks are aligned to cell 0, cells outside count as 0.
     */
    double softmaxNumerators(float[] x, int off, int n, int cell0, float max);

    /**
     * {@code out[outOff + i] = sum_j w[wOff + j] * v[vOff + j * stride + i]} for {@code i < width}, summed over
     * {@code j < n} (KV cell {@code cell0 + j}) in the vec_dot lane tree, or the gemm one when {@code gemm}.
     * {@code acc} is scratch of at least {@code 32 * width} floats.
     */
    void weightedSum(float[] w, int wOff, int n, int cell0, float[] v, int vOff, int stride, int width,
                     boolean gemm, float[] acc, float[] out, int outOff);

    /**
     * {@code gate[i] = silu(gate[i]) * up[i]} for {@code i} in {@code [off, off + n)} as ggml_vec_swiglu_f32: blocks
     * of 8 from {@code off} with ggml's polynomial exp, the tail with the libm exp.
     */
    void swiglu(float[] gate, float[] up, int off, int n);

    /**
     * The vector implementation when the {@code jdk.incubator.vector} module is present and {@code forceScalar} is
     * false, else the scalar reference (they compute the same floats, so the choice changes speed, not results).
     */
    static AttentionKernels create(boolean forceScalar) {
        if (forceScalar || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarAttentionKernels();
        }
        return new dev.sirocco.engine.tensor.simd.VectorAttentionKernels();
    }
}
