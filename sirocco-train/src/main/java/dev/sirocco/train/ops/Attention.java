package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/**
 * Causal self-attention of one sequence with grouped-query heads: query head h reads key/value head
 * {@code h / (heads / kvHeads)}; row t attends to rows {@code max(0, t - window + 1) .. t} (window 0: all).
 * The softmax probabilities are kept for the backward pass ({@code heads * n * n} floats).
 */
public final class Attention {
    private Attention() {
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
        if (q.cols != heads * headDim || k.cols != kvHeads * headDim || v.cols != kvHeads * valueHeadDim
                || k.rows != n || v.rows != n || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention shapes: q (" + q.rows + ", " + q.cols + "), k (" + k.rows + ", " + k.cols
                    + "), v (" + v.rows + ", " + v.cols + ") for " + heads + "/" + kvHeads + " heads of " + headDim + "/" + valueHeadDim);
        }
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
