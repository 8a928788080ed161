package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/**
 * Next-token cross-entropy: {@code sum_t w_t * (logsumexp(z_t) - z_t[target_t]) / normalizer}, where {@code w_t} is
 * 1 on the tokens that count (assistant tokens of a chat example) and 0 elsewhere. Exponentials in float (the
 * engine's vector exp), sums in double.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * @param logits     (n, vocab)
     * @param targets    (n): the token each row should predict
     * @param weights    (n): the loss weight of each row
     * @param normalizer what the weighted sum is divided by (the batch's weighted token count, for a mean)
     * @return (1, 1)
     */
    public static Var loss(Tape tape, Var logits, int[] targets, float[] weights, double normalizer) {
        int n = logits.rows;
        int vocab = logits.cols;
        if (targets.length != n || weights.length != n) {
            throw new IllegalArgumentException(n + " logit rows, " + targets.length + " targets, " + weights.length + " weights");
        }
        // Rows are independent: each task writes its rows' exp(z - max), their sum and loss term, and the terms are
        // added in row order afterwards, so the loss does not depend on the thread count. The exponentials are kept
        // for the backward pass (one more (n, vocab) array instead of a second exp per logit).
        float[] z = logits.value;
        float[] e = new float[n * vocab];
        double[] sums = new double[n];
        double[] term = new double[n];
        tape.forRange(n, 4L * vocab, (from, to) -> {
            for (int t = from; t < to; t++) {
                if (weights[t] == 0f) {
                    continue;
                }
                int off = t * vocab;
                float max = Bulk.MATH.max(z, off, vocab);
                sums[t] = Bulk.MATH.exp(z, off, 1f, max, e, off, vocab);
                double lse = max + Math.log(sums[t]);
                term[t] = weights[t] * (lse - z[off + targets[t]]);
            }
        });
        double total = 0;
        for (int t = 0; t < n; t++) {
            total += term[t];
        }
        Var y = tape.result(1, 1, logits);
        y.value[0] = (float) (total / normalizer);
        tape.onBackward(y, () -> {
            // d(loss)/dz = w g (softmax(z) - onehot(target)), softmax(z) = e / sum
            double g = y.grad()[0] / normalizer;
            float[] d = logits.grad();
            tape.forRange(n, vocab, (from, to) -> {
                for (int t = from; t < to; t++) {
                    if (weights[t] == 0f) {
                        continue;
                    }
                    int off = t * vocab;
                    double wg = g * weights[t];
                    float k = (float) (wg / sums[t]);
                    for (int i = off; i < off + vocab; i++) {
                        d[i] += k * e[i];
                    }
                    d[off + targets[t]] -= (float) wg;
                }
            });
        });
        return y;
    }
}
