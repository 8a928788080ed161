package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplerTest {

    /** temperature t, every filter and penalty off, fixed seed. */
    private static SamplingParams plain(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, 0f, 1f, 64, 0f, 0f, seed);
    }

    private static float ln(double p) {
        return (float) Math.log(p);
    }

    private static int[] generate(Sampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits);
            s.accept(out[i]);
        }
        return out;
    }

    private static float[] randomLogits(int vocab, long seed) {
        Random random = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        return logits;
    }

    @Test
    void greedyTiesGoToTheLowestId() {
        Sampler s = new Sampler(SamplingParams.greedy(), 4);
        assertThat(s.sample(new float[] {1f, 3f, 3f, 2f})).isEqualTo(1);
        assertThat(s.sample(new float[] {5f, 5f, 5f, 5f})).isEqualTo(0);
        assertThat(s.sample(new float[] {-1f, -2f, -1f, Float.NEGATIVE_INFINITY})).isEqualTo(0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void greedyIsTheArgmaxWhateverTheFiltersAndSeed(long seed) {
        float[] logits = randomLogits(1000, seed);
        int argmax = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[argmax]) {
                argmax = i;
            }
        }
        SamplingParams p = new SamplingParams(0f, 5, 0.5f, 0.3f, 1f, 64, 0f, 0f, seed);
        assertThat(new Sampler(p, 1000).sample(logits)).isEqualTo(argmax);
    }

    @Test
    void greedyStillAppliesPenaltiesToAcceptedTokens() {
        // repeat 2: token 0's logit 3 -> 1.5 < 2.5 once token 0 is in the history
        SamplingParams p = new SamplingParams(0f, 0, 1f, 0f, 2f, 64, 0f, 0f, 0);
        Sampler s = new Sampler(p, 3);
        float[] logits = {3f, 2.5f, 1f};
        assertThat(s.sample(logits)).isZero();
        s.accept(0);
        assertThat(s.sample(logits)).isEqualTo(1);
        s.reset();
        assertThat(s.sample(logits)).isZero();
        s.acceptPrompt(0); // a prompt token is penalized too
        assertThat(s.sample(logits)).isEqualTo(1);
    }

    @Test
    void sampleNeverModifiesTheCallersLogits() {
        float[] logits = randomLogits(500, 9);
        float[] copy = logits.clone();
        SamplingParams p = new SamplingParams(0.7f, 40, 0.9f, 0.05f, 1.3f, 64, 0.1f, 0.1f, 5);
        Sampler s = new Sampler(p, 500);
        generate(s, logits, 20);
        assertThat(logits).containsExactly(copy);
    }

    @Test
    void sameSeedGivesTheSameSequenceAndResetReplaysIt() {
        float[] logits = randomLogits(50, 11);
        SamplingParams p = SamplingParams.defaults().withSeed(123).withTemperature(1.5f);
        int[] first = generate(new Sampler(p, 50), logits, 200);
        int[] second = generate(new Sampler(p, 50), logits, 200);
        assertThat(second).containsExactly(first);

        Sampler s = new Sampler(p, 50);
        generate(s, logits, 37);
        s.reset();
        assertThat(generate(s, logits, 200)).containsExactly(first);
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        float[] logits = randomLogits(50, 11);
        int[] a = generate(new Sampler(plain(1f, 1), 50), logits, 100);
        int[] b = generate(new Sampler(plain(1f, 2), 50), logits, 100);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void randomSeedIsReportedAndReplayable() {
        float[] logits = randomLogits(50, 12);
        Sampler s = new Sampler(plain(1f, SamplingParams.RANDOM_SEED), 50);
        assertThat(s.seed()).isNotEqualTo(SamplingParams.RANDOM_SEED);
        int[] drawn = generate(s, logits, 50);
        assertThat(generate(new Sampler(plain(1f, s.seed()), 50), logits, 50)).containsExactly(drawn);
    }

    @Test
    void drawFrequencyMatchesTheSoftmax() {
        // logits ln 3 and 0 at temperature 1: p(0) = 3 / (3 + 1) = 0.75.
        // Over 20k draws the standard deviation is sqrt(0.75 * 0.25 / 20000) = 0.0031; allow 5 sigma.
        Sampler s = new Sampler(plain(1f, 42), 2);
        float[] logits = {ln(3), 0f};
        int zeros = 0;
        for (int i = 0; i < 20_000; i++) {
            zeros += s.sample(logits) == 0 ? 1 : 0;
        }
        assertThat(zeros / 20_000.0).isCloseTo(0.75, within(0.0155));
    }

    @Test
    void drawFrequencyFollowsTheTemperature() {
        // temperature 0.5 doubles the logits: 2 ln 3 and 0, so p(0) = 9 / (9 + 1) = 0.9 (sd 0.0021 over 20k)
        Sampler s = new Sampler(plain(0.5f, 43), 2);
        float[] logits = {ln(3), 0f};
        int zeros = 0;
        for (int i = 0; i < 20_000; i++) {
            zeros += s.sample(logits) == 0 ? 1 : 0;
        }
        assertThat(zeros / 20_000.0).isCloseTo(0.9, within(0.0105));
    }

    @Test
    void afterADrawTheCandidatesCarryNormalizedProbabilities() {
        Sampler s = new Sampler(plain(1f, 3), 3);
        s.sample(new float[] {0f, ln(2), ln(3)});
        Candidates c = s.candidates();
        // exp = 1, 2, 3 over a sum of 6
        assertThat(c.prob(0)).isCloseTo(1f / 6, within(1e-6f));
        assertThat(c.prob(1)).isCloseTo(2f / 6, within(1e-6f));
        assertThat(c.prob(2)).isCloseTo(3f / 6, within(1e-6f));
    }

    @Test
    void defaultChainRunsInLlamaCppOrder() {
        SamplingParams p = new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 0f, 0f, 0);
        LogitProcessor constraint = (c, h) -> { };
        List<Class<?>> kinds = new Sampler(p, 10, List.of(constraint)).chain().stream()
                .<Class<?>>map(Object::getClass).toList();
        assertThat(kinds).containsExactly(constraint.getClass(), Penalties.class, TopK.class, TopP.class,
                MinP.class, Temperature.class);
        assertThat(new Sampler(SamplingParams.defaults(), 10).chain().stream().map(Object::getClass).toList())
                .containsExactly(TopK.class, TopP.class, MinP.class, Temperature.class); // penalties off by default
    }

    @Test
    void penaltiesRunBeforeTopK() {
        // logits 3, 2, 1; token 0 accepted, repeat 4 -> 0.75. Top-k 1 then keeps token 1 only, so every draw is 1;
        // were top-k first, token 0 would be the only survivor.
        SamplingParams p = new SamplingParams(1f, 1, 1f, 0f, 4f, 64, 0f, 0f, 0);
        Sampler s = new Sampler(p, 3);
        s.accept(0);
        for (int i = 0; i < 50; i++) {
            assertThat(s.sample(new float[] {3f, 2f, 1f})).isEqualTo(1);
        }
    }

    @Test
    void topKRunsBeforeTopP() {
        // probs 0.1, 0.2, 0.3, 0.4. Top-k 2 keeps {0.4, 0.3}, renormalized 0.571, 0.429, and top-p 0.55 keeps one.
        // Top-p first (over all four) would keep 0.4 + 0.3 and leave two.
        Sampler s = new Sampler(new SamplingParams(1f, 2, 0.55f, 0f, 1f, 64, 0f, 0f, 0), 4);
        s.sample(new float[] {ln(0.1), ln(0.2), ln(0.3), ln(0.4)});
        assertThat(s.candidates().size()).isEqualTo(1);
    }

    @Test
    void topPSeesProbabilitiesBeforeTemperature() {
        // probs 0.5, 0.3, 0.2 and top-p 0.6 keep two (0.5 < 0.6 <= 0.8). Temperature 0.1 first would make
        // p(best) = 0.5^10 / (0.5^10 + 0.3^10 + 0.2^10) = 0.994 and keep one.
        Sampler s = new Sampler(new SamplingParams(0.1f, 0, 0.6f, 0f, 1f, 64, 0f, 0f, 0), 3);
        s.sample(new float[] {ln(0.5), ln(0.3), ln(0.2)});
        assertThat(s.candidates().size()).isEqualTo(2);
    }

    @Test
    void minPSeesProbabilitiesBeforeTemperature() {
        // relative prob of token 1 is 0.3 >= min-p 0.2, so it stays; after temperature 0.25 it would be 0.3^4 = 0.008
        Sampler s = new Sampler(new SamplingParams(0.25f, 0, 1f, 0.2f, 1f, 64, 0f, 0f, 0), 2);
        s.sample(new float[] {0f, ln(0.3)});
        assertThat(s.candidates().size()).isEqualTo(2);
    }

    @Test
    void constraintsRunFirstSeeAcceptedTokensAndBannedTokensAreNeverDrawn() {
        List<Integer> accepted = new ArrayList<>();
        LogitProcessor oddOnly = new LogitProcessor() {
            @Override
            public void process(Candidates c, TokenHistory history) {
                for (int i = 0; i < c.size(); i++) {
                    if (c.id(i) % 2 == 0) {
                        c.setLogit(i, Float.NEGATIVE_INFINITY);
                    }
                }
            }

            @Override
            public void accept(int token) {
                accepted.add(token);
            }

            @Override
            public void reset() {
                accepted.clear();
            }
        };
        float[] logits = new float[10];
        Arrays.fill(logits, 1f);
        logits[4] = 10f; // even and by far the best: must still never come out
        Sampler s = new Sampler(plain(1f, 8), 10, List.of(oddOnly));
        int[] drawn = generate(s, logits, 2000);
        assertThat(Arrays.stream(drawn).boxed().toList()).allMatch(t -> t % 2 == 1);
        assertThat(accepted).hasSize(2000);
        s.acceptPrompt(3); // prompt tokens reach the penalties' history, not the constraints
        assertThat(accepted).hasSize(2000);
        assertThat(s.history().count(3)).isPositive();
        s.reset();
        assertThat(accepted).isEmpty();
        assertThat(new Sampler(plain(0f, 8), 10, List.of(oddOnly)).sample(logits)).isEqualTo(1);
    }

    @Test
    void drawingWithEveryTokenBannedFails() {
        LogitProcessor banAll = (c, h) -> {
            for (int i = 0; i < c.size(); i++) {
                c.setLogit(i, Float.NEGATIVE_INFINITY);
            }
        };
        Sampler s = new Sampler(plain(1f, 1), 3, List.of(banAll));
        assertThatThrownBy(() -> s.sample(new float[3])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void steadyStateSamplingAllocatesNothingPerToken() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] logits = randomLogits(16_384, 21);
        // every built-in step on; top-p 0.999 over 16k Gaussian logits needs more than its first 256, so it
        // falls back to a full (radix) sort
        SamplingParams p = new SamplingParams(0.9f, 0, 0.999f, 0.0001f, 1.1f, 64, 0.1f, 0.1f, 4);
        Sampler s = new Sampler(p, 16_384);
        generate(s, logits, 100); // warm-up
        long before = threads.getCurrentThreadAllocatedBytes();
        int sum = 0;
        for (int i = 0; i < 150; i++) {
            int t = s.sample(logits);
            s.accept(t);
            sum += t;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isPositive();
        // one allocation per token would be >= 150 * 16 = 2400 bytes; the measurement itself takes ~500
        assertThat(allocated).as("bytes allocated by 150 tokens").isLessThan(1_500);
    }

    @Test
    void wrongLogitCountIsRejected() {
        Sampler s = new Sampler(SamplingParams.greedy(), 3);
        assertThatThrownBy(() -> s.sample(new float[4])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sample(new float[7], 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void samplingARowOfABatchEqualsSamplingThatRowAlone() {
        float[] row0 = randomLogits(100, 31);
        float[] row1 = randomLogits(100, 32);
        float[] batch = new float[200]; // (positions 2, vocab 100)
        System.arraycopy(row0, 0, batch, 0, 100);
        System.arraycopy(row1, 0, batch, 100, 100);
        Sampler fromBatch = new Sampler(plain(1f, 77), 100);
        Sampler fromRows = new Sampler(plain(1f, 77), 100);
        for (int i = 0; i < 50; i++) {
            assertThat(fromBatch.sample(batch, 0)).isEqualTo(fromRows.sample(row0));
            assertThat(fromBatch.sample(batch, 100)).isEqualTo(fromRows.sample(row1));
        }
        Sampler greedy = new Sampler(SamplingParams.greedy(), 100);
        assertThat(greedy.sample(batch, 100)).isEqualTo(greedy.sample(row1));
    }
}
