package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CandidatesTest {

    @Test
    void sortKeyRoundTripsLogitAndIdAndOrdersByLogitDescendingThenId() {
        float[] values = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -3.5f, -1f, -Float.MIN_VALUE, 0f,
                Float.MIN_VALUE, 1e-30f, 1f, 2.25f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        for (int a = 0; a < values.length; a++) {
            long key = Candidates.key(values[a], 1000 + a);
            assertThat(Candidates.logitOf(key)).isEqualTo(values[a]);
            assertThat(Candidates.idOf(key)).isEqualTo(1000 + a);
            for (int b = 0; b < values.length; b++) {
                // a higher logit must give a smaller key (comes first)
                assertThat(Integer.signum(Long.compare(Candidates.key(values[a], 7), Candidates.key(values[b], 7))))
                        .as("%s vs %s", values[a], values[b])
                        .isEqualTo(Integer.signum(Float.compare(values[b], values[a])));
            }
        }
        // equal logits: lower id first; -0 and +0 tie
        assertThat(Candidates.key(1f, 3)).isLessThan(Candidates.key(1f, 4));
        assertThat(Candidates.key(-0f, 3)).isLessThan(Candidates.key(0f, 4));
        assertThat(Candidates.key(0f, 3)).isLessThan(Candidates.key(-0f, 4));
    }

    @Test
    void loadCopiesLogitsWithIdentityIdsAndRejectsWrongLength() {
        Candidates c = new Candidates(3);
        float[] logits = {0.5f, -1f, 2f};
        c.load(logits);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.isSorted()).isFalse();
        assertThat(IntStream.range(0, 3).map(c::id).toArray()).containsExactly(0, 1, 2);
        c.setLogit(0, 9f);
        assertThat(logits[0]).isEqualTo(0.5f);
        assertThatThrownBy(() -> c.load(new float[4])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void softmaxOfLn1Ln2Ln3IsOneSixthTwoSixthsThreeSixths() {
        Candidates c = new Candidates(3);
        c.load(new float[] {0f, (float) Math.log(2), (float) Math.log(3)});
        c.softmax();
        // exp(l) = 1, 2, 3; sum 6
        assertThat(c.prob(0)).isCloseTo(1f / 6, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(c.prob(1)).isCloseTo(2f / 6, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(c.prob(2)).isCloseTo(3f / 6, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @ParameterizedTest(name = "vocab {0}, k {1}, distinct values {2}")
    @CsvSource({"1,1,100", "5,3,100", "5,9,100", "1000,1,1000000", "1000,40,10", "5000,40,1000000",
            "5000,2000,7", "5000,5000,50", "3000,256,3", "20000,20000,1000000", "20000,3000,50"})
    void keepTopMatchesAFullStableSort(int vocab, int k, int distinct) {
        Random random = new Random(vocab * 31L + k);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            // few distinct values -> many ties, which must go to the lower id
            logits[i] = random.nextInt(distinct) / 8f - 3f;
        }
        Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
        // llama.cpp's order: a before b when a's logit is greater (so -0 and +0 tie); ties by id
        Arrays.sort(order, (a, b) -> logits[a] > logits[b] ? -1 : logits[a] < logits[b] ? 1 : Integer.compare(a, b));

        Candidates c = new Candidates(vocab);
        c.load(logits);
        c.keepTop(k);

        int kept = Math.min(k, vocab);
        assertThat(c.size()).isEqualTo(kept);
        assertThat(c.isSorted()).isTrue();
        for (int i = 0; i < kept; i++) {
            assertThat(c.id(i)).as("position %d", i).isEqualTo(order[i]);
            assertThat(c.logit(i)).isEqualTo(logits[order[i]]);
        }
    }

    @Test
    void keepTopOnSortedCandidatesOnlyTruncates() {
        Candidates c = new Candidates(4);
        c.load(new float[] {0.1f, 0.4f, 0.3f, 0.2f});
        c.sortDescending();
        assertThat(IntStream.range(0, 4).map(c::id).toArray()).containsExactly(1, 2, 3, 0);
        c.keepTop(2);
        assertThat(IntStream.range(0, 2).map(c::id).toArray()).containsExactly(1, 2);
    }

    @Test
    void retainAtLeastKeepsOrderOfTheSurvivors() {
        Candidates c = new Candidates(5);
        c.load(new float[] {1f, 5f, -2f, 3f, 3f});
        assertThat(c.retainAtLeast(3f)).isEqualTo(3);
        assertThat(IntStream.range(0, 3).map(c::id).toArray()).containsExactly(1, 3, 4);
    }
}
