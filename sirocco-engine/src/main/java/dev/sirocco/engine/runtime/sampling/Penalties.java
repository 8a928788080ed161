package dev.sirocco.engine.runtime.sampling;

/**
 * Repetition, frequency and presence penalties over the recent-token window, as llama.cpp's
 * {@code penalties} sampler: for a token seen {@code n > 0} times, a positive logit is divided by the
 * repeat penalty and a non-positive one multiplied by it (dividing a negative logit would make the token
 * more likely), then {@code n * frequency + presence} is subtracted.
 */
public final class Penalties implements LogitProcessor {

    private final float repeat;
    private final float frequency;
    private final float presence;

    public Penalties(float repeat, float frequency, float presence) {
        this.repeat = repeat;
        this.frequency = frequency;
        this.presence = presence;
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        if (history.size() == 0) {
            return;
        }
        for (int i = 0; i < c.size; i++) {
            int n = history.count(c.ids[i]);
            if (n == 0) {
                continue;
            }
            float l = c.logits[i];
            l = l <= 0f ? l * repeat : l / repeat;
            c.logits[i] = l - ((float) n * frequency + presence);
        }
        c.sorted = false;
    }

    @Override
    public String toString() {
        return "penalties(repeat=" + repeat + ", frequency=" + frequency + ", presence=" + presence + ")";
    }
}
