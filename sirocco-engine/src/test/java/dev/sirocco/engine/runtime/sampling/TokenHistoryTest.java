package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenHistoryTest {

    @Test
    void countsCoverOnlyTheLastNTokens() {
        TokenHistory h = new TokenHistory(3, 10);
        for (int t : new int[] {1, 2, 1, 5, 1}) {
            h.add(t);
        }
        // window = [1, 5, 1]
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.count(1)).isEqualTo(2);
        assertThat(h.count(2)).isZero();
        assertThat(h.count(5)).isEqualTo(1);
        assertThat(new int[] {h.get(0), h.get(1), h.get(2)}).containsExactly(1, 5, 1);
    }

    @Test
    void randomStreamsAgreeWithADequeModel() {
        Random random = new Random(7);
        TokenHistory h = new TokenHistory(5, 8);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        for (int step = 0; step < 500; step++) {
            int t = random.nextInt(8);
            h.add(t);
            model.addLast(t);
            if (model.size() > 5) {
                model.removeFirst();
            }
            for (int v = 0; v < 8; v++) {
                int vv = v;
                assertThat(h.count(v)).isEqualTo((int) model.stream().filter(x -> x == vv).count());
            }
            if (step == 250) {
                h.clear();
                model.clear();
                assertThat(h.size()).isZero();
            }
        }
    }

    @Test
    void zeroCapacityIgnoresTokensAndOutOfVocabularyIsRejected() {
        TokenHistory h = new TokenHistory(0, 4);
        h.add(3);
        assertThat(h.size()).isZero();
        assertThat(h.count(3)).isZero();
        assertThatThrownBy(() -> h.add(4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
