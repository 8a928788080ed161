package dev.sirocco.testkit;

/**
 * llama.cpp's greedy continuation of a prompt: the chosen tokens and, per step, how far the chosen
 * token's logit lies above the runner-up's, so a differing choice can be told apart from a near-tie.
 *
 * @param tokens the {@code n} tokens llama.cpp chose, one per step (it never stops at end-of-generation tokens)
 * @param gaps   {@code gaps[i]} = top-1 logit minus top-2 logit at step {@code i} (>= 0)
 * @param logits the full logits per step ({@code [n][nVocab]}) when asked for, else an empty array
 */
public record GreedyResult(int[] tokens, float[] gaps, float[][] logits) {

    /** Step {@code step} was a near-tie: its top-2 logits lie within {@code tolerance} of each other. */
    public boolean isNearTie(int step, float tolerance) {
        return gaps[step] <= tolerance;
    }

    /**
     * The first step where {@code ours} differs from llama.cpp's tokens, or -1 when they agree
     * (over the shorter length; a shorter {@code ours} that agrees is not a divergence).
     */
    public int firstDivergence(int[] ours) {
        int n = Math.min(ours.length, tokens.length);
        for (int i = 0; i < n; i++) {
            if (ours[i] != tokens[i]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code ours} (our greedy tokens for the same prompt) agrees with llama.cpp's: identical, or first
     * different at a step where llama.cpp's top-2 logits lie within {@code nearTie} (after which the sequences
     * continue from different contexts and are not comparable).
     */
    public boolean agreesWith(int[] ours, float nearTie) {
        int d = firstDivergence(ours);
        return d < 0 ? ours.length >= tokens.length : isNearTie(d, nearTie);
    }

    /** A sentence for assertion messages: where {@code ours} leaves llama.cpp's tokens, and the gap there. */
    public String describeDivergence(int[] ours) {
        int d = firstDivergence(ours);
        if (d < 0) {
            return ours.length >= tokens.length ? "same " + tokens.length + " tokens"
                    : "ours stops after " + ours.length + " of " + tokens.length + " tokens";
        }
        return "step " + d + ": ours " + ours[d] + ", llama.cpp " + tokens[d] + " with top-2 gap " + gaps[d]
                + "; llama.cpp " + java.util.Arrays.toString(tokens) + ", ours " + java.util.Arrays.toString(ours);
    }
}
