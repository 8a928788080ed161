package dev.sirocco.engine.runtime.sampling;

/**
 * Nucleus filter, as llama.cpp's {@code top_p}: keeps the smallest most-likely prefix whose probability
 * (softmax over the current candidates, before temperature) reaches p, and always at least one token.
 * Leaves the candidates sorted with their probabilities filled.
 */
public final class TopP implements LogitProcessor {

    // llama.cpp's adaptive trick: for a large unsorted vocabulary, first sort only the best 256,
    // which almost always already reach p, and fall back to a full sort when they do not.
    private static final int FIRST_GUESS = 256;
    private static final int SORT_ALL_BELOW = 1024;

    private final float p;

    public TopP(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("p must be in [0, 1) (leave top-p out of the chain to turn it off), got " + p);
        }
        this.p = p;
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        int n = c.size;
        if (n == 0) {
            return;
        }
        c.softmax();
        if (c.sorted) {
            float cum = 0f;
            int last = n;
            for (int i = 0; i < n; i++) {
                cum += c.probs[i];
                if (cum >= p) {
                    last = i + 1;
                    break;
                }
            }
            c.size = last;
            return;
        }
        int selected = n > SORT_ALL_BELOW ? Math.min(FIRST_GUESS, n) : n;
        c.selectTopKeys(selected);
        float cum = 0f;
        int last = n;
        for (int i = 0; i < n; i++) {
            if (i == selected) {
                // the best `selected` keys are a prefix of the full order, so the walk just goes on
                selected = n;
                c.selectTopKeys(n);
            }
            cum += c.softmaxProb(Candidates.logitOf(c.selectedKey(i)));
            if (cum >= p) {
                last = i + 1;
                break;
            }
        }
        c.decodeKeys(last);
        for (int i = 0; i < last; i++) {
            c.probs[i] = c.softmaxProb(c.logits[i]);
        }
        c.size = last;
        c.sorted = true;
    }

    @Override
    public String toString() {
        return "top_p(" + p + ")";
    }
}
