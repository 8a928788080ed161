package dev.sirocco.engine.runtime.sampling;

/** Keeps the k highest logits (sorted), as llama.cpp's {@code top_k}; partial selection, not a full sort. */
public final class TopK implements LogitProcessor {

    private final int k;

    public TopK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive (leave top-k out of the chain to turn it off), got " + k);
        }
        this.k = k;
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        if (c.size > 0) {
            c.keepTop(k);
        }
    }

    @Override
    public String toString() {
        return "top_k(" + k + ")";
    }
}
