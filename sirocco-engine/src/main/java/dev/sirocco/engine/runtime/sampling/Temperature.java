package dev.sirocco.engine.runtime.sampling;

/** Divides every logit by the temperature (order, hence sortedness, is kept); greedy is the sampler's job, not this one's. */
public final class Temperature implements LogitProcessor {

    private final float temperature;

    public Temperature(float temperature) {
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite (use greedy for 0), got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        // divide, not multiply by the reciprocal: llama.cpp divides, and the two round differently
        for (int i = 0; i < c.size; i++) {
            c.logits[i] /= temperature;
        }
    }

    @Override
    public String toString() {
        return "temperature(" + temperature + ")";
    }
}
