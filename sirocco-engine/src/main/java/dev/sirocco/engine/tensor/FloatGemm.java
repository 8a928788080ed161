package dev.sirocco.engine.tensor;

/**
 * The scalar reference of {@link Kernels#gemm}: {@code C (rows, n) (+)= A (rows, depth) . B (depth, n)} over float
 * arrays, row-major, with A read through strides so a transposed view costs no copy. Sums in {@code p} order.
 */
public final class FloatGemm {
    private FloatGemm() {
    }

    /** Rows {@code from .. to} (exclusive) of the product; see {@link Kernels#gemm} for the arguments. */
    public static void rows(int from, int to, int n, int depth, float[] a, int aOffset, int aRowStride, int aColStride,
                            float[] b, int bOffset, int bRowStride, float[] c, int cOffset, int cRowStride, boolean accumulate) {
        for (int m = from; m < to; m++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < depth; p++) {
                    s += a[aOffset + m * aRowStride + p * aColStride] * b[bOffset + p * bRowStride + j];
                }
                int ci = cOffset + m * cRowStride + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** Throws when an operand is too short for the shape (the vector kernel would fail halfway otherwise). */
    public static void checkShapes(int rows, int n, int depth, float[] a, int aOffset, int aRowStride, int aColStride,
                                   float[] b, int bOffset, int bRowStride, float[] c, int cOffset, int cRowStride) {
        if (rows < 0 || n < 0 || depth < 0 || aOffset < 0 || bOffset < 0 || cOffset < 0 || aRowStride < 0 || aColStride < 0
                || bRowStride < n || cRowStride < n) {
            throw new IllegalArgumentException("gemm: negative size, offset or stride, or a row stride of B or C under n = " + n);
        }
        if (rows == 0 || n == 0) {
            return;
        }
        long lastA = depth == 0 ? 0 : aOffset + (long) (rows - 1) * aRowStride + (long) (depth - 1) * aColStride;
        if (depth > 0 && lastA >= a.length) {
            throw new IllegalArgumentException("gemm: A (" + rows + ", " + depth + ") with strides " + aRowStride + "/" + aColStride
                    + " from " + aOffset + " reads past its " + a.length + " floats");
        }
        if (depth > 0 && bOffset + (long) (depth - 1) * bRowStride + n > b.length) {
            throw new IllegalArgumentException("gemm: B (" + depth + ", " + n + ") from " + bOffset + " needs more than its " + b.length + " floats");
        }
        if (cOffset + (long) (rows - 1) * cRowStride + n > c.length) {
            throw new IllegalArgumentException("gemm: C (" + rows + ", " + n + ") from " + cOffset + " needs more than its " + c.length + " floats");
        }
    }
}
