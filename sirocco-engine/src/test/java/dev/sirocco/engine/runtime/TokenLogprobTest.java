package dev.sirocco.engine.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TokenLogprobTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 100, 5000})
    void matchesALogSoftmaxAndAFullSort(int vocab) {
        Random random = new Random(vocab);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * 4);
        }
        logits[vocab / 2] = logits[0]; // a tie: the lower id comes first, as a stable sort puts it
        int token = random.nextInt(vocab);
        int top = Math.min(5, vocab);

        TokenLogprob lp = TokenLogprob.of(logits, vocab, token, top);

        double max = IntStream.range(0, vocab).mapToDouble(i -> logits[i]).max().orElseThrow();
        double logZ = max + Math.log(IntStream.range(0, vocab).mapToDouble(i -> Math.exp(logits[i] - max)).sum());
        assertThat(lp.token()).isEqualTo(token);
        assertThat((double) lp.logprob()).isCloseTo(logits[token] - logZ, within(1e-4));
        int[] sorted = IntStream.range(0, vocab).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i])).mapToInt(Integer::intValue).toArray();
        assertThat(lp.topTokens()).containsExactly(java.util.Arrays.copyOf(sorted, top));
        for (int j = 0; j < top; j++) {
            assertThat((double) lp.topLogprobs()[j]).isCloseTo(logits[sorted[j]] - logZ, within(1e-4));
        }
        double total = IntStream.range(0, vocab).mapToDouble(i -> Math.exp(logits[i] - logZ)).sum();
        assertThat(total).isCloseTo(1.0, within(1e-5));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void noAlternativesWhenNoneAreAskedFor(int top) {
        TokenLogprob lp = TokenLogprob.of(new float[]{1f, 2f, 3f}, 3, 2, top);
        assertThat(lp.topTokens()).isEmpty();
        assertThat((double) lp.logprob()).isCloseTo(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), within(1e-6));
    }
}
