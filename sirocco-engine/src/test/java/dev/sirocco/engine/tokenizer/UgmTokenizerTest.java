package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UgmTokenizerTest {

    private static Tokenizer t5(float abScore) {
        String[] tokens = {"<pad>", "</s>", "<unk>", "▁", "a", "b", "ab", "▁a", "▁ab"};
        float[] scores = {0, 0, 0, -2, -3, -3, abScore, -2, -6};
        int[] types = {3, 3, 2, 1, 1, 1, 1, 1, 1};
        return Tokenizer.create(Vocabulary.builder("t5", null, tokens).scores(scores).tokenTypes(types)
                .addSpacePrefix(true).build());
    }

    @Test
    void picksTheSegmentationWithTheHighestTotalScore() {
        // "▁ab": ▁ab = -6; ▁a + b = -5; ▁ + ab = -2 + ab
        assertThat(t5(-4).encode("ab", false, false)).containsExactly(7, 5);
        assertThat(t5(-2.5f).encode("ab", false, false)).containsExactly(3, 6);
    }

    @Test
    void uncoveredCharactersAreOneUnknownPerRunAndEosIsAddedByDefault() {
        // unknown scores min(normal) - 10 = -16 per character; consecutive unknowns collapse into one token
        assertThat(t5(-4).encode("abxyb", true, false)).containsExactly(7, 5, 2, 5, 1);
    }

    @Test
    void spacesAreWrittenAsMetaspace() {
        assertThat(t5(-4).encode("a b", false, false)).containsExactly(7, 3, 5);
        // the added prefix space is dropped again on decoding (no BOS leads)
        assertThat(t5(-4).decode(new int[] {7, 3, 5})).isEqualTo("a b");
    }
}
