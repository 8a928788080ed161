package dev.sirocco.engine.tensor;

/**
 * The scalar reference {@link AttentionKernels}: ggml's AVX2 + FMA float code written out lane by lane.
 *
 * <p>Lane trees (every {@code +} a float addition, in this order; additions commute, so only grouping matters):
 * <ul>
 *   <li>vec_dot (ggml_vec_dot_f32, GGML_F32x8_REDUCE): 32 lanes {@code a[m]}; {@code z[m] = a[m] + a[m+16]},
 *   {@code y[l] = z[l] + z[l+8]}, {@code t[l] = y[l] + y[l+4]}, result {@code (t0 + t1) + (t2 + t3)}.</li>
 *   <li>gemm (tinyBLAS hsum of one __m256): 8 lanes {@code a[l]}; {@code b[l] = a[l] + a[l+4]}, result
 *   {@code (b0 + b2) + (b1 + b3)}; the same tree sums each block of 8 softmax numerators.</li>
 * </ul>
 */
public final class ScalarAttentionKernels implements AttentionKernels {

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        float sum = tree(x, xOff, y, yOff, np);
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Override
    public float dotWidened(float[] x, int xOff, float[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        double sum = tree(x, xOff, y, yOff, np); // the tail in double, as dotHalf's
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return (float) sum;
    }

    /** The vec_dot tree over the first {@code np} elements ({@code np % 32 == 0}). */
    private static float tree(float[] x, int xOff, float[] y, int yOff, int np) {
        float t0 = laneY(x, xOff, y, yOff, np, 0) + laneY(x, xOff, y, yOff, np, 4);
        float t1 = laneY(x, xOff, y, yOff, np, 1) + laneY(x, xOff, y, yOff, np, 5);
        float t2 = laneY(x, xOff, y, yOff, np, 2) + laneY(x, xOff, y, yOff, np, 6);
        float t3 = laneY(x, xOff, y, yOff, np, 3) + laneY(x, xOff, y, yOff, np, 7);
        return (t0 + t1) + (t2 + t3);
    }

    /** y[l] of the vec_dot tree: (a[l] + a[l+16]) + (a[l+8] + a[l+24]), a[m] the fused chain over i = m mod 32. */
    private static float laneY(float[] x, int xOff, float[] y, int yOff, int np, int l) {
        return (chain(x, xOff, y, yOff, np, l) + chain(x, xOff, y, yOff, np, l + 16))
                + (chain(x, xOff, y, yOff, np, l + 8) + chain(x, xOff, y, yOff, np, l + 24));
    }

    private static float chain(float[] x, int xOff, float[] y, int yOff, int np, int m) {
        float a = 0f;
        for (int i = m; i < np; i += VEC_DOT_LANES) {
            a = Math.fma(x[xOff + i], y[yOff + i], a);
        }
        return a;
    }

    /**
     * {@code sum x[i] * y[i]} as ggml_vec_dot_f16 over the F16 halves {@code y} themselves: the reference that
     * {@link #dotWidened} (what the attention uses, after widening the cache once) is tested against.
     */
    public float dotHalf(float[] x, int xOff, short[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        float t0 = laneYHalf(x, xOff, y, yOff, np, 0) + laneYHalf(x, xOff, y, yOff, np, 4);
        float t1 = laneYHalf(x, xOff, y, yOff, np, 1) + laneYHalf(x, xOff, y, yOff, np, 5);
        float t2 = laneYHalf(x, xOff, y, yOff, np, 2) + laneYHalf(x, xOff, y, yOff, np, 6);
        float t3 = laneYHalf(x, xOff, y, yOff, np, 3) + laneYHalf(x, xOff, y, yOff, np, 7);
        double sum = (t0 + t1) + (t2 + t3);
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * Float.float16ToFloat(y[yOff + i]);
        }
        return (float) sum;
    }

    private static float laneYHalf(float[] x, int xOff, short[] y, int yOff, int np, int l) {
        return (chainHalf(x, xOff, y, yOff, np, l) + chainHalf(x, xOff, y, yOff, np, l + 16))
                + (chainHalf(x, xOff, y, yOff, np, l + 8) + chainHalf(x, xOff, y, yOff, np, l + 24));
    }

    private static float chainHalf(float[] x, int xOff, short[] y, int yOff, int np, int m) {
        float a = 0f;
        for (int i = m; i < np; i += VEC_DOT_LANES) {
            a = Math.fma(x[xOff + i], Float.float16ToFloat(y[yOff + i]), a);
        }
        return a;
    }

    @Override
    public double softmaxNumerators(float[] x, int off, int n, int cell0, float max) {
        for (int j = 0; j < n; j++) {
            x[off + j] = expf(x[off + j] - max);
        }
        double sum = 0;
        // blocks of 8 cells aligned to cell 0; cells outside [cell0, cell0 + n) are masked and add 0
        for (int block = cell0 & ~7; block < cell0 + n; block += GEMM_LANES) {
            int first = block - cell0; // index of the block's lane 0 in x[off ..], may be outside
            float b0 = lane(x, off, n, first) + lane(x, off, n, first + 4);
            float b1 = lane(x, off, n, first + 1) + lane(x, off, n, first + 5);
            float b2 = lane(x, off, n, first + 2) + lane(x, off, n, first + 6);
            float b3 = lane(x, off, n, first + 3) + lane(x, off, n, first + 7);
            sum += (b0 + b2) + (b1 + b3);
        }
        return sum;
    }

    /**
     * One block of 8 cells starting at {@code x[off + first]} (some outside {@code [0, n)}, masked): writes the
     * in-range numerators and returns the block's tree sum, masked lanes as 0.
     */
    public static float partialBlock(float[] x, int off, int n, int first, float max) {
        for (int j = Math.max(0, first); j < Math.min(n, first + GEMM_LANES); j++) {
            x[off + j] = expf(x[off + j] - max);
        }
        float b0 = lane(x, off, n, first) + lane(x, off, n, first + 4);
        float b1 = lane(x, off, n, first + 1) + lane(x, off, n, first + 5);
        float b2 = lane(x, off, n, first + 2) + lane(x, off, n, first + 6);
        float b3 = lane(x, off, n, first + 3) + lane(x, off, n, first + 7);
        return (b0 + b2) + (b1 + b3);
    }

    private static float lane(float[] x, int off, int n, int j) {
        return j >= 0 && j < n ? x[off + j] : 0f;
    }

    @Override
    public void weightedSum(float[] w, int wOff, int n, int cell0, float[] v, int vOff, int stride, int width,
                            boolean gemm, float[] acc, float[] out, int outOff) {
        int lanes = gemm ? GEMM_LANES : VEC_DOT_LANES;
        java.util.Arrays.fill(acc, 0, lanes * width, 0f);
        for (int j = 0; j < n; j++) {
            int row = ((cell0 + j) & (lanes - 1)) * width;
            float wj = w[wOff + j];
            int base = vOff + j * stride;
            for (int i = 0; i < width; i++) {
                acc[row + i] = Math.fma(v[base + i], wj, acc[row + i]);
            }
        }
        reduceRows(acc, lanes, width, out, outOff);
    }

    /** {@link #weightedSum} over F16 values: the reference that the widened attention is tested against. */
    public void weightedSumHalf(float[] w, int wOff, int n, int cell0, short[] v, int vOff, int stride, int width,
                                boolean gemm, float[] acc, float[] out, int outOff) {
        int lanes = gemm ? GEMM_LANES : VEC_DOT_LANES;
        java.util.Arrays.fill(acc, 0, lanes * width, 0f);
        for (int j = 0; j < n; j++) {
            int row = ((cell0 + j) & (lanes - 1)) * width;
            float wj = w[wOff + j];
            int base = vOff + j * stride;
            for (int i = 0; i < width; i++) {
                acc[row + i] = Math.fma(Float.float16ToFloat(v[base + i]), wj, acc[row + i]);
            }
        }
        reduceRows(acc, lanes, width, out, outOff);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int off, int n) {
        int i = off;
        int blocked = off + (n & ~7);
        for (; i < blocked; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + expf(0f - g)) * up[i];
        }
        for (; i < off + n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** Lane tree of the vec_dot reduction over {@code a[off], a[off + stride], ..., a[off + 31 * stride]}. */
    public static float reduce32(float[] a, int off, int stride) {
        float t0 = y32(a, off, stride, 0) + y32(a, off, stride, 4);
        float t1 = y32(a, off, stride, 1) + y32(a, off, stride, 5);
        float t2 = y32(a, off, stride, 2) + y32(a, off, stride, 6);
        float t3 = y32(a, off, stride, 3) + y32(a, off, stride, 7);
        return (t0 + t1) + (t2 + t3);
    }

    private static float y32(float[] a, int off, int stride, int l) {
        return (a[off + l * stride] + a[off + (l + 16) * stride]) + (a[off + (l + 8) * stride] + a[off + (l + 24) * stride]);
    }

    /** Lane tree of tinyBLAS's hsum over {@code a[off], a[off + stride], ..., a[off + 7 * stride]}. */
    public static float reduce8(float[] a, int off, int stride) {
        float b0 = a[off] + a[off + 4 * stride];
        float b1 = a[off + stride] + a[off + 5 * stride];
        float b2 = a[off + 2 * stride] + a[off + 6 * stride];
        float b3 = a[off + 3 * stride] + a[off + 7 * stride];
        return (b0 + b2) + (b1 + b3);
    }

    /** out[i] = the lane tree over rows {@code acc[r * width + i]}, r < lanes (8 or 32). */
    static void reduceRows(float[] acc, int lanes, int width, float[] out, int outOff) {
        for (int i = 0; i < width; i++) {
            out[outOff + i] = lanes == GEMM_LANES ? reduce8(acc, i, width) : reduce32(acc, i, width);
        }
    }

    /**
     * One lane of ggml_v_expf (AVX2 + FMA): exp(x) as 2^n * (1 + p(b)) with {@code n = round(x / ln 2)},
     * {@code b} the reduced argument and p a degree-5 polynomial, all in float with fused multiply-adds;
     * |n| > 126 scales in two steps so results near overflow and underflow (to 0) come out as ggml's.
     */
    public static float expf(float x) {
        float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        int e = Float.floatToRawIntBits(z) << 23;
        float k = Float.intBitsToFloat(e + Float.floatToRawIntBits(1f));
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u,
                        Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u, 0x1.ffffecp-1f * b);
        float an = Math.abs(n);
        if (!(an > 126f)) {
            return Math.fma(k, j, k);
        }
        int g = n <= 0f ? 0x82000000 : 0;
        float s1 = Float.intBitsToFloat(g + 0x7f000000);
        if (an > 192f) {
            return s1 * s1;
        }
        float s2 = Float.intBitsToFloat(e - g);
        return Math.fma(s2, j, s2) * s1;
    }
}
