package dev.sirocco.train.data;

/**
 * One training sequence: its tokens and, per token, the weight of predicting it (1 for assistant tokens of a chat
 * or every token of plain text, 0 for prompts and template scaffolding). {@code weights[0]} is never used: the first
 * token has nothing before it to predict it from.
 *
 * @param source where it came from, for messages ("train.jsonl line 7")
 */
public record Example(String source, int[] tokens, float[] weights) {

    public Example {
        if (tokens.length != weights.length) {
            throw new IllegalArgumentException(source + ": " + tokens.length + " tokens but " + weights.length + " weights");
        }
    }

    /**
     * The example cut to {@code seqLen} model positions: its first {@code seqLen + 1} tokens, as a text window holds
     * (position t predicts token t + 1, so the last token is only a target).
     */
    public Example forSeqLen(int seqLen) {
        return truncated(seqLen + 1);
    }

    /** The first {@code n} tokens (all when shorter). */
    public Example truncated(int n) {
        return tokens.length <= n ? this
                : new Example(source, java.util.Arrays.copyOf(tokens, n), java.util.Arrays.copyOf(weights, n));
    }

    /** The summed weight of the tokens this sequence trains on (positions 1 ..). */
    public double trainedWeight() {
        double s = 0;
        for (int i = 1; i < weights.length; i++) {
            s += weights[i];
        }
        return s;
    }
}
