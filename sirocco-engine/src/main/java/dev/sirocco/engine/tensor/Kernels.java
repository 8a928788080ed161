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

    /**
     * Training's float products: {@code C (rows, n) (+)= A (rows, depth) . B (depth, n)}, where
     * {@code A(m, p) = a[aOffset + m * aRowStride + p * aColStride]} (a transposed view is a stride, not a copy),
     * {@code B(p, j) = b[bOffset + p * bRowStride + j]} and {@code C(m, j) = c[cOffset + m * cRowStride + j]} (row
     * strides at least n: a block of columns of a wider matrix is a view too); with {@code accumulate}
     * the product is added to C. Unlike {@link #matmul} this follows no llama.cpp summation order (training has none to
     * match), so the vector version is free to tile for speed. The default is the scalar reference ({@link FloatGemm}).
     */
    default void gemm(int rows, int n, int depth, float[] a, int aOffset, int aRowStride, int aColStride,
                      float[] b, int bOffset, int bRowStride, float[] c, int cOffset, int cRowStride, boolean accumulate) {
        FloatGemm.checkShapes(rows, n, depth, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, c, cOffset, cRowStride);
        FloatGemm.rows(0, rows, n, depth, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, c, cOffset, cRowStride, accumulate);
    }

    /** Writes row {@code row} of {@code tensor}, dequantized to floats, to {@code dst[dstOffset ..]}. */
    void dequantizeRow(Tensor tensor, long row, float[] dst, int dstOffset);

    /**
     * Rows {@code from .. from + count} of {@code tensor}, dequantized, one after another from {@code dst[dstOffset]}
     * (training's backward through a frozen weight decodes whole blocks of rows; the vector kernels spread them over
     * their threads).
     */
    default void dequantizeRows(Tensor tensor, long from, int count, float[] dst, int dstOffset) {
        int cols = tensor.rowLength();
        for (int r = 0; r < count; r++) {
            dequantizeRow(tensor, from + r, dst, dstOffset + r * cols);
        }
    }
}
