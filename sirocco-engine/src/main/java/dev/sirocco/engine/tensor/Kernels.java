package dev.sirocco.engine.tensor;

/**
 * The matrix kernels the forward pass needs, over weights in any {@link GgmlType}.
 * Two implementations exist: a scalar reference and a Vector API one (package {@code tensor.simd});
 * tests hold them to each other.
 *
 * <p>Like llama.cpp, {@link #matmul} first rounds the activations to the weight type's companion
 * format (F16 for F16 weights, BF16 for BF16, Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1,
 * Q8_K for the K-quants, F32 for F32) and then takes dot products, so our logits match llama.cpp's
 * closely and the integer dot products become available.
 */
public interface Kernels {

    /**
     * {@code out[b * rows + r] = sum_k W[r][k] * x[b * cols + k]} for every {@code b < batch}, where
     * {@code W} is {@code weight} seen as {@code rows = weight.rows()} rows of {@code cols = weight.rowLength()}.
     */
    void matmul(Tensor weight, float[] x, float[] out, int batch);

    /** Writes row {@code row} of {@code tensor}, dequantized to floats, to {@code dst[dstOffset ..]}. */
    void dequantizeRow(Tensor tensor, long row, float[] dst, int dstOffset);
}
