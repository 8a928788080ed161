package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Top-k, top-p, min-p and temperature, one at a time, on hand-worked inputs and against naive references. */
class FiltersTest {

    private static final TokenHistory NO_HISTORY = new TokenHistory(0, 1);

    private static float ln(double p) {
        return (float) Math.log(p);
    }

    private static Candidates candidates(float... logits) {
        Candidates c = new Candidates(logits.length);
        c.load(logits);
        return c;
    }

    private static int[] ids(Candidates c) {
        return IntStream.range(0, c.size()).map(c::id).toArray();
    }

    @Test
    void topKKeepsTheKBestSortedAndLeavesFewerAlone() {
        Candidates c = candidates(0.1f, 0.4f, 0.3f, 0.2f);
        new TopK(2).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(1, 2);

        Candidates all = candidates(0.1f, 0.4f, 0.3f, 0.2f);
        new TopK(10).process(all, NO_HISTORY);
        assertThat(ids(all)).containsExactly(1, 2, 3, 0);
    }

    @ParameterizedTest(name = "top-p {0} keeps {1}")
    @CsvSource({"0.0,1", "0.35,1", "0.65,2", "0.75,3", "0.95,4"})
    void topPKeepsTheSmallestPrefixReachingP(float p, int kept) {
        // probabilities 0.1, 0.2, 0.3, 0.4 (llama.cpp's test vector); sorted: 0.4, 0.3, 0.2, 0.1
        // cumulative: 0.4, 0.7, 0.9, 1.0 -> p 0 and 0.35 keep 1 (at least one), 0.65 keeps 2, 0.75 keeps 3, 0.95 all
        Candidates c = candidates(ln(0.1), ln(0.2), ln(0.3), ln(0.4));
        new TopP(p).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(Arrays.copyOf(new int[] {3, 2, 1, 0}, kept));
        assertThat(c.isSorted()).isTrue();
        for (int i = 0; i < kept; i++) {
            // probabilities stay those of the whole set (not renormalized over the kept ones)
            assertThat(c.prob(i)).isCloseTo((4 - i) / 10f, within(1e-6f));
        }
    }

    @Test
    void topPKeepsOneTokenEvenWhenItAloneExceedsP() {
        Candidates c = candidates(0f, 20f, 0f);
        new TopP(1e-6f).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(1);
    }

    @Test
    void topPOnCandidatesAlreadySortedByTopKRenormalizesOverThem() {
        // after top-k 2 the candidates are {0.4, 0.3} -> renormalized 4/7 = 0.571, 3/7; p 0.55 -> keep 1
        Candidates c = candidates(ln(0.1), ln(0.2), ln(0.3), ln(0.4));
        new TopK(2).process(c, NO_HISTORY);
        new TopP(0.55f).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(3);
        assertThat(c.prob(0)).isCloseTo(4f / 7, within(1e-6f));
    }

    @ParameterizedTest(name = "vocab {0}, spread {1}, p {2}")
    @CsvSource({"3000,8.0,0.9", "3000,0.01,0.9", "3000,0.01,0.999", "50000,12.0,0.95", "800,1.0,0.5", "2000,0.0,0.5", "20000,1.0,0.99"})
    void topPMatchesANaiveFullSortWhetherOrNotTheFirst256Suffice(int vocab, float spread, float p) {
        Random random = new Random(vocab + (long) (spread * 1000) + (long) (p * 1e6));
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * spread);
        }
        // naive reference: full sort (logit descending, id ascending), float softmax, float running sum
        Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        // llama.cpp's order: a before b when a's logit is greater (so -0 and +0 tie); ties by id
        Arrays.sort(order, (a, b) -> logits[a] > logits[b] ? -1 : logits[a] < logits[b] ? 1 : Integer.compare(a, b));
        float max = logits[order[0]];
        float sum = 0f;
        for (float l : logits) {
            sum += (float) Math.exp(l - max);
        }
        float cum = 0f;
        int expectedKept = vocab;
        for (int i = 0; i < vocab; i++) {
            cum += (float) Math.exp(logits[order[i]] - max) / sum;
            if (cum >= p) {
                expectedKept = i + 1;
                break;
            }
        }

        Candidates c = candidates(logits);
        new TopP(p).process(c, NO_HISTORY);

        assertThat(c.size()).isEqualTo(expectedKept);
        for (int i = 0; i < expectedKept; i++) {
            assertThat(c.id(i)).isEqualTo(order[i]);
        }
    }

    @Test
    void minPKeepsTokensAtLeastPTimesAsLikelyAsTheBestInTheirOrder() {
        // relative probabilities: id0 0.1, id1 1, id2 0.04, id3 0.5
        float[] logits = {ln(0.1), 0f, ln(0.04), ln(0.5)};
        Candidates c = candidates(logits);
        new MinP(0.05f).process(c, NO_HISTORY); // drops 0.04
        assertThat(ids(c)).containsExactly(0, 1, 3);

        c = candidates(logits);
        new MinP(0.2f).process(c, NO_HISTORY); // keeps 1 and 0.5
        assertThat(ids(c)).containsExactly(1, 3);

        c = candidates(logits);
        new MinP(1f).process(c, NO_HISTORY); // only the best
        assertThat(ids(c)).containsExactly(1);
    }

    @Test
    void minPMatchesLlamaCppsOwnTestCase() {
        // llama.cpp: probs {0.1, 0.2, 0.3, 0.4}, min_p 0.26 -> keeps 0.2, 0.3, 0.4 (0.1 / 0.4 = 0.25 < 0.26)
        Candidates c = candidates(ln(0.1), ln(0.2), ln(0.3), ln(0.4));
        new MinP(0.26f).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(1, 2, 3);
    }

    @Test
    void temperatureDividesLogitsAndKeepsSortedness() {
        Candidates c = candidates(1f, -2f, 0.5f);
        c.sortDescending();
        new Temperature(0.5f).process(c, NO_HISTORY);
        assertThat(ids(c)).containsExactly(0, 2, 1);
        assertThat(new float[] {c.logit(0), c.logit(1), c.logit(2)}).containsExactly(2f, 1f, -4f);
        assertThat(c.isSorted()).isTrue();
    }
}
