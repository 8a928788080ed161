package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/**
 * Next-token cross-entropy: {@code sum_t w_t * (logsumexp(z_t) - z_t[target_t]) / normalizer}, where {@code w_t} is
 * 1 on the tokens that count (assistant tokens of a chat example) and 0 elsewhere. Sums in double.
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
        double[] lse = new double[n];
        double total = 0;
        for (int t = 0; t < n; t++) {
            if (weights[t] == 0f) {
                continue;
            }
            int off = t * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                max = Math.max(max, logits.value[off + i]);
            }
            double sum = 0;
            for (int i = 0; i < vocab; i++) {
                sum += Math.exp(logits.value[off + i] - max);
            }
            lse[t] = max + Math.log(sum);
            total += weights[t] * (lse[t] - logits.value[off + targets[t]]);
        }
        Var y = tape.result(1, 1, logits);
        y.value[0] = (float) (total / normalizer);
        tape.onBackward(y, () -> {
            double g = y.grad()[0] / normalizer;
            float[] d = logits.grad();
            for (int t = 0; t < n; t++) {
                if (weights[t] == 0f) {
                    continue;
                }
                int off = t * vocab;
                double wg = g * weights[t];
                for (int i = 0; i < vocab; i++) {
                    d[off + i] += (float) (wg * Math.exp(logits.value[off + i] - lse[t]));
                }
                d[off + targets[t]] -= (float) wg;
            }
        });
        return y;
    }
}
