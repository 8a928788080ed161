package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WpmTokenizerTest {

    // as convert_hf_to_gguf writes BERT vocabularies: word starts carry ▁, "##" continuations lose their prefix
    private static final String[] TOKENS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "▁hello", "▁hell", "o", "▁world",
            "▁,", "▁!", "▁cafe", "▁我", "s"};

    private static Tokenizer bert() {
        int[] types = new int[TOKENS.length];
        java.util.Arrays.fill(types, Vocabulary.TYPE_NORMAL);
        for (int i = 0; i < 5; i++) {
            types[i] = Vocabulary.TYPE_CONTROL;
        }
        return Tokenizer.create(Vocabulary.builder("bert", null, TOKENS).tokenTypes(types)
                .bos(2).unk(1).sep(3).pad(0).mask(4).build());
    }

    @Test
    void lowercasesSplitsPunctuationAndTakesTheLongestPrefixFirst() {
        // "Hello," -> hello , ; "HELLOs" -> ▁hello + s ; "hello!" -> hello !
        assertThat(bert().encode("Hello, HELLOs hello!", false, false)).containsExactly(5, 9, 5, 13, 5, 10);
    }

    @Test
    void accentsAreStrippedAndCjkCharactersAreWordsOfTheirOwn() {
        assertThat(bert().encode("Café我", false, false)).containsExactly(11, 12);
    }

    @Test
    void aWordThatCannotBeCoveredIsOneUnknownToken() {
        // "worldx": ▁world then no token for "x" -> the whole word is [UNK]
        assertThat(bert().encode("worldx world", false, false)).containsExactly(1, 8);
    }

    @Test
    void specialTokensAreClsAndSep() {
        Tokenizer t = bert();
        assertThat(t.encode("world", true, false)).containsExactly(2, 8, 3);
        // the ▁ of each word start decodes to a space; clean_spaces drops the one before "!"
        assertThat(t.decode(t.encode("hello world!", true, false))).isEqualTo(" hello world!");
    }
}
