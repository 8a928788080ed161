package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PenaltiesTest {

    private static float[] apply(Penalties p, float[] logits, int window, int... history) {
        TokenHistory h = new TokenHistory(window, logits.length);
        for (int t : history) {
            h.add(t);
        }
        Candidates c = new Candidates(logits.length);
        c.load(logits);
        p.process(c, h);
        float[] out = new float[c.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.logit(i);
        }
        return out;
    }

    @Test
    void repeatDividesPositiveMultipliesNonPositiveThenFrequencyAndPresenceSubtract() {
        // history 0,1,0,4 -> counts {0:2, 1:1, 4:1}; repeat 2, frequency 0.5, presence 0.25
        // t0:  2 > 0 -> 2/2 = 1,  minus 2*0.5 + 0.25 = 1.25 -> -0.25
        // t1: -2 <= 0 -> -2*2 = -4, minus 1*0.5 + 0.25 = 0.75 -> -4.75
        // t2, t3: unseen, unchanged
        // t4:  0 <= 0 -> 0*2 = 0, minus 0.75 -> -0.75
        float[] out = apply(new Penalties(2f, 0.5f, 0.25f), new float[] {2f, -2f, 1f, 0.5f, 0f}, 64, 0, 1, 0, 4);
        assertThat(out).containsExactly(-0.25f, -4.75f, 1f, 0.5f, -0.75f);
    }

    @Test
    void onlyTheLastNTokensArePenalized() {
        // window of 2 over history 0,1,2 -> {1, 2}; token 0 has left the window
        float[] out = apply(new Penalties(2f, 0f, 0f), new float[] {4f, 4f, 4f}, 2, 0, 1, 2);
        assertThat(out).containsExactly(4f, 2f, 2f);
    }

    @Test
    void frequencyAndPresenceMatchLlamaCppsOwnTestCase() {
        // llama.cpp tests/test-sampling.cpp: probs 0.2 x5, history {0}, freq 5, presence 5 -> p0 ~ 0.000011.
        // By hand: logit0 = ln 0.2 - 10, so p0 = e^-10 / (e^-10 + 4) = 1.1349e-5, the others (1 - p0) / 4.
        float ln02 = (float) Math.log(0.2);
        float[] out = apply(new Penalties(1f, 5f, 5f), new float[] {ln02, ln02, ln02, ln02, ln02}, 64, 0);
        Candidates c = new Candidates(5);
        c.load(out);
        c.softmax();
        double p0 = Math.exp(-10) / (Math.exp(-10) + 4);
        assertThat((double) c.prob(0)).isCloseTo(p0, within(1e-8));
        assertThat((double) c.prob(3)).isCloseTo((1 - p0) / 4, within(1e-6));
    }
}
