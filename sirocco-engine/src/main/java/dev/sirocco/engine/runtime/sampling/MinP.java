package dev.sirocco.engine.runtime.sampling;

/**
 * Keeps the tokens at least {@code p} times as likely as the best one, as llama.cpp's {@code min_p}:
 * in logit space, {@code l_i >= l_max + ln p} (before temperature). Keeps order; always keeps the best.
 */
public final class MinP implements LogitProcessor {

    private final float p;
    private final float logP;

    public MinP(float p) {
        if (!(p > 0f && p <= 1f)) {
            throw new IllegalArgumentException("p must be in (0, 1] (leave min-p out of the chain to turn it off), got " + p);
        }
        this.p = p;
        this.logP = (float) Math.log(p);
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        if (c.size == 0) {
            return;
        }
        // ln p <= 0, so the best token always passes (only NaN logits could empty the set)
        c.retainAtLeast(c.maxLogit() + logP);
    }

    @Override
    public String toString() {
        return "min_p(" + p + ")";
    }
}
