package dev.sirocco.engine.runtime;

/**
 * The log-probability of a generated token under the model's distribution (softmax of the raw logits,
 * before temperature and the other samplers), with the most likely alternatives at that step.
 *
 * @param token       the generated token id
 * @param logprob     its natural-log probability
 * @param topTokens   the {@code n} most likely token ids, most likely first (empty when none were asked for)
 * @param topLogprobs their log-probabilities, in the same order
 */
public record TokenLogprob(int token, float logprob, int[] topTokens, float[] topLogprobs) {

    /** Computes the entry for {@code token} from {@code logits[0 .. vocab)} with the {@code top} best alternatives. */
    public static TokenLogprob of(float[] logits, int vocab, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[i] - max);
        }
        float logZ = (float) (max + Math.log(sum));
        int n = Math.min(Math.max(top, 0), vocab);
        int[] ids = new int[n];
        float[] lps = new float[n];
        // Insertion into a sorted array of n: top is small (OpenAI allows at most 20).
        int filled = 0;
        for (int i = 0; i < vocab && n > 0; i++) {
            float l = logits[i];
            if (filled == n && l <= logits[ids[n - 1]]) {
                continue;
            }
            int j = filled < n ? filled++ : n - 1;
            while (j > 0 && logits[ids[j - 1]] < l) {
                ids[j] = ids[j - 1];
                j--;
            }
            ids[j] = i;
        }
        for (int j = 0; j < n; j++) {
            lps[j] = logits[ids[j]] - logZ;
        }
        return new TokenLogprob(token, logits[token] - logZ, ids, lps);
    }
}
