package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/**
 * Causal self-attention of one sequence with grouped-query heads: query head h reads key/value head
 * {@code h / (heads / kvHeads)}; row t attends to rows {@code max(0, t - window + 1) .. t} (window 0: all).
 * The softmax probabilities are kept for the backward pass ({@code heads * n * n} floats). Two forms: plain loops (the
 * reference) and per-head products through the kernels' gemm, which reads each head as a strided view of q, k, v.
 */
public final class Attention {
    private Attention() {
    }

    /** Query rows per block of the gemm form: block b's products stop at key (b + 1) * ROWS, skipping the masked rest. */
    private static final int ROWS = 64;

    /**
     * As {@link #causal(Tape, Var, Var, Var, int, int, int, int, float, int)}, its products per head
     * ({@code S = Q K^T}, {@code O = P V}; backward {@code dP = dO V^T}, {@code dQ = dS K}, {@code dK = dS^T Q},
     * {@code dV = P^T dO}) through {@code kernels.gemm}, in blocks of {@link #ROWS} query rows: the rows of block
     * {@code [r0, r1)} see keys {@code 0 .. r1} only, so the masked upper triangle is computed only where it meets a
     * block's diagonal (with the full (n, n) scores, attention did twice the causal arithmetic). Masked cells get
     * probability 0, so they add nothing forward or backward.
     */
    public static Var causal(Tape tape, Var q, Var k, Var v, int heads, int kvHeads, int headDim, int valueHeadDim,
                             float scale, int window, Kernels kernels) {
        int n = q.rows;
        requireShapes(q, k, v, heads, kvHeads, headDim, valueHeadDim);
        int group = heads / kvHeads;
        int qc = q.cols;
        int kc = k.cols;
        int vc = v.cols;
        int vd = valueHeadDim;
        int oc = heads * vd;
        float[] probs = new float[heads * n * n]; // [h][t][j]
        Var out = tape.result(n, oc, q, k, v);
        float[] kT = new float[headDim * n]; // one kv head's K^T (headDim, n)
        for (int g = 0; g < kvHeads; g++) {
            transposeHead(tape, k.value, n, kc, g * headDim, headDim, kT);
            for (int h = g * group; h < (g + 1) * group; h++) {
                int pb = h * n * n;
                for (int r0 = 0; r0 < n; r0 += ROWS) {
                    int r1 = Math.min(n, r0 + ROWS);
                    // S[r0:r1, 0:r1] = Q[r0:r1] . K^T[:, 0:r1]
                    kernels.gemm(r1 - r0, r1, headDim, q.value, r0 * qc + h * headDim, qc, 1, kT, 0, n, probs, pb + r0 * n, n, false);
                    int first = r0;
                    tape.forRange(r1 - r0, 2L * r1, (from, to) -> {
                        for (int t = first + from; t < first + to; t++) {
                            int lo = window > 0 ? Math.max(0, t - window + 1) : 0;
                            softmaxRow(probs, pb + t * n, lo, t, n, scale);
                        }
                    });
                    // O[r0:r1] = P[r0:r1, 0:r1] . V[0:r1]
                    kernels.gemm(r1 - r0, vd, r1, probs, pb + r0 * n, n, 1, v.value, g * vd, vc, out.value, r0 * oc + h * vd, oc, false);
                }
            }
        }
        tape.onBackward(out, () -> {
            float[] dOut = out.grad();
            float[] dq = q.requiresGrad() ? q.grad() : null;
            float[] dk = k.requiresGrad() ? k.grad() : null;
            float[] dv = v.requiresGrad() ? v.grad() : null;
            float[] vT = new float[vd * n];
            float[] ds = new float[n * n];
            for (int g = 0; g < kvHeads; g++) {
                transposeHead(tape, v.value, n, vc, g * vd, vd, vT);
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int pb = h * n * n;
                    for (int r0 = 0; r0 < n; r0 += ROWS) {
                        int r1 = Math.min(n, r0 + ROWS);
                        int rows = r1 - r0;
                        if (dv != null) { // dV[0:r1] += P[r0:r1, 0:r1]^T . dO[r0:r1]
                            kernels.gemm(r1, vd, rows, probs, pb + r0 * n, 1, n, dOut, r0 * oc + h * vd, oc, dv, g * vd, vc, true);
                        }
                        if (dq == null && dk == null) {
                            continue;
                        }
                        // dP[r0:r1, 0:r1] = dO[r0:r1] . V^T[:, 0:r1]; dS = P (dP - sum_j P dP) scale, row by row
                        kernels.gemm(rows, r1, vd, dOut, r0 * oc + h * vd, oc, 1, vT, 0, n, ds, r0 * n, n, false);
                        int first = r0;
                        tape.forRange(rows, 2L * r1, (from, to) -> {
                            for (int t = first + from; t < first + to; t++) {
                                int row = t * n;
                                double dot = 0;
                                for (int j = 0; j < r1; j++) {
                                    dot += (double) probs[pb + row + j] * ds[row + j];
                                }
                                for (int j = 0; j < r1; j++) {
                                    ds[row + j] = probs[pb + row + j] * (ds[row + j] - (float) dot) * scale;
                                }
                            }
                        });
                        if (dq != null) { // dQ[r0:r1] += dS[r0:r1, 0:r1] . K[0:r1]
                            kernels.gemm(rows, headDim, r1, ds, r0 * n, n, 1, k.value, g * headDim, kc, dq, r0 * qc + h * headDim, qc, true);
                        }
                        if (dk != null) { // dK[0:r1] += dS[r0:r1, 0:r1]^T . Q[r0:r1]
                            kernels.gemm(r1, headDim, rows, ds, r0 * n, 1, n, q.value, r0 * qc + h * headDim, qc, dk, g * headDim, kc, true);
                        }
                    }
                }
            }
        });
        return out;
    }

    /** Row {@code t} of the scores at {@code off}: scaled, softmax over {@code lo .. t}, 0 outside (the mask). */
    private static void softmaxRow(float[] s, int off, int lo, int t, int n, float scale) {
        int from = off + lo;
        int len = t - lo + 1;
        for (int j = from; j < from + len; j++) {
            s[j] *= scale;
        }
        float max = Bulk.MATH.max(s, from, len);
        float inv = (float) (1.0 / Bulk.MATH.exp(s, from, 1f, max, s, from, len));
        for (int j = from; j < from + len; j++) {
            s[j] *= inv;
        }
        java.util.Arrays.fill(s, off, from, 0f);
        java.util.Arrays.fill(s, from + len, off + n, 0f);
    }

    /** Columns {@code col .. col + width} of the (n, cols) matrix {@code a}, transposed into {@code into} (width, n). */
    private static void transposeHead(Tape tape, float[] a, int n, int cols, int col, int width, float[] into) {
        tape.forRange(width, n, (from, to) -> {
            for (int t = 0; t < n; t++) {
                for (int d = from; d < to; d++) {
                    into[d * n + t] = a[t * cols + col + d];
                }
            }
        });
    }

    private static void requireShapes(Var q, Var k, Var v, int heads, int kvHeads, int headDim, int valueHeadDim) {
        int n = q.rows;
        if (q.cols != heads * headDim || k.cols != kvHeads * headDim || v.cols != kvHeads * valueHeadDim
                || k.rows != n || v.rows != n || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention shapes: q (" + q.rows + ", " + q.cols + "), k (" + k.rows + ", " + k.cols
                    + "), v (" + v.rows + ", " + v.cols + ") for " + heads + "/" + kvHeads + " heads of " + headDim + "/" + valueHeadDim);
        }
    }

    /**
     * @param q     (n, heads * headDim)
     * @param k     (n, kvHeads * headDim)
     * @param v     (n, kvHeads * valueHeadDim)
     * @param scale multiplier of q·k
     * @return (n, heads * valueHeadDim)
     */
    public static Var causal(Tape tape, Var q, Var k, Var v, int heads, int kvHeads, int headDim, int valueHeadDim,
                             float scale, int window) {
        int n = q.rows;
        requireShapes(q, k, v, heads, kvHeads, headDim, valueHeadDim);
        int group = heads / kvHeads;
        int qc = q.cols;
        int kc = k.cols;
        int vc = v.cols;
        int oc = heads * valueHeadDim;
        float[] probs = new float[heads * n * n]; // [h][t][j]
        Var out = tape.result(n, oc, q, k, v);
        for (int h = 0; h < heads; h++) {
            int kvh = h / group;
            for (int t = 0; t < n; t++) {
                int lo = window > 0 ? Math.max(0, t - window + 1) : 0;
                int pb = (h * n + t) * n;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = lo; j <= t; j++) {
                    float s = 0f;
                    for (int d = 0; d < headDim; d++) {
                        s += q.value[t * qc + h * headDim + d] * k.value[j * kc + kvh * headDim + d];
                    }
                    s *= scale;
                    probs[pb + j] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int j = lo; j <= t; j++) {
                    float e = (float) Math.exp(probs[pb + j] - max);
                    probs[pb + j] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                int ob = t * oc + h * valueHeadDim;
                for (int j = lo; j <= t; j++) {
                    float p = probs[pb + j] * inv;
                    probs[pb + j] = p;
                    int vb = j * vc + kvh * valueHeadDim;
                    for (int d = 0; d < valueHeadDim; d++) {
                        out.value[ob + d] += p * v.value[vb + d];
                    }
                }
            }
        }
        tape.onBackward(out, () -> {
            float[] dOut = out.grad();
            float[] dq = q.requiresGrad() ? q.grad() : null;
            float[] dk = k.requiresGrad() ? k.grad() : null;
            float[] dv = v.requiresGrad() ? v.grad() : null;
            float[] dp = new float[n];
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                for (int t = 0; t < n; t++) {
                    int lo = window > 0 ? Math.max(0, t - window + 1) : 0;
                    int pb = (h * n + t) * n;
                    int ob = t * oc + h * valueHeadDim;
                    // dp_j = dOut_t . v_j; dv_j += p_j dOut_t; ds_j = p_j (dp_j - sum_i p_i dp_i)
                    double dot = 0;
                    for (int j = lo; j <= t; j++) {
                        int vb = j * vc + kvh * valueHeadDim;
                        float g = 0f;
                        float p = probs[pb + j];
                        for (int d = 0; d < valueHeadDim; d++) {
                            g += dOut[ob + d] * v.value[vb + d];
                            if (dv != null) {
                                dv[vb + d] += p * dOut[ob + d];
                            }
                        }
                        dp[j] = g;
                        dot += (double) p * g;
                    }
                    for (int j = lo; j <= t; j++) {
                        float ds = probs[pb + j] * (dp[j] - (float) dot) * scale;
                        int qb = t * qc + h * headDim;
                        int kb = j * kc + kvh * headDim;
                        for (int d = 0; d < headDim; d++) {
                            if (dq != null) {
                                dq[qb + d] += ds * k.value[kb + d];
                            }
                            if (dk != null) {
                                dk[kb + d] += ds * q.value[qb + d];
                            }
                        }
                    }
                }
            }
        });
        return out;
    }
}
