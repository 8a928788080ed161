package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTokenizerTest {

    /** ids 0..255: the GPT-2 character of byte i; then the extra tokens, in order. */
    static Vocabulary.Builder bpe(String pre, String[] merges, String... extra) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        tokens.addAll(List.of(extra));
        return Vocabulary.builder("gpt2", pre, tokens.toArray(String[]::new)).merges(merges);
    }

    @Test
    void mergesTheLowestRankFirst() {
        Tokenizer t = Tokenizer.create(bpe("gpt-2", new String[] {"a b", "b c"}, "ab", "bc").build());
        assertThat(t.encode("abc", false, false)).containsExactly(256, 'c');
        Tokenizer u = Tokenizer.create(bpe("gpt-2", new String[] {"b c", "a b"}, "ab", "bc").build());
        assertThat(u.encode("abc", false, false)).containsExactly('a', 257);
    }

    @Test
    void aMergeWhosePartIsNoTokenStillCounts() {
        // "ab" is no token, yet the merges build "abc" through it (ranks keyed by token ids cannot hold "ab c")
        Tokenizer t = Tokenizer.create(bpe("gpt-2", new String[] {"a b", "ab c"}, "abc").build());
        assertThat(t.encode("abc", false, false)).containsExactly(256);
        // without the second merge the stray "ab" falls back to its bytes
        Tokenizer u = Tokenizer.create(bpe("gpt-2", new String[] {"a b"}, "abc").build());
        assertThat(u.encode("abc", false, false)).containsExactly('a', 'b', 'c');
    }

    @Test
    void bytesAreWrittenAsGpt2CharactersAndDecodedBack() {
        // ' ' is byte 0x20 -> 'Ġ' (U+0120); "Ġh" merges into one token
        Tokenizer t = Tokenizer.create(bpe("gpt-2", new String[] {"Ġ h"}, "Ġh").build());
        int[] ids = t.encode("a hé", false, false);
        assertThat(ids).containsExactly('a', 256, 0xC3, 0xA9);
        assertThat(t.tokenBytes(256)).containsExactly(' ', 'h');
        assertThat(t.decode(ids)).isEqualTo("a hé");
    }

    @Test
    void mergesNeverCrossPreTokenizerWords() {
        // "a b" would need the merge across the space-word boundary of " b"
        Tokenizer t = Tokenizer.create(bpe("gpt-2", new String[] {"a Ġ"}, "aĠ").build());
        // (token id i spells byte i, so the space, written 'Ġ', is id 0x20)
        assertThat(t.encode("a b", false, false)).containsExactly('a', 0x20, 'b');
    }

    @Test
    void ignoreMergesTakesAWholeWordThatIsAToken() {
        // llama-bpe ignores merges: "abc" is a token even though no merge chain builds it
        Tokenizer t = Tokenizer.create(bpe("llama-bpe", new String[] {}, "abc").bos(0).build());
        assertThat(t.encode("abc", false, false)).containsExactly(256);
        Tokenizer gpt2 = Tokenizer.create(bpe("gpt-2", new String[] {}, "abc").build());
        assertThat(gpt2.encode("abc", false, false)).containsExactly('a', 'b', 'c');
    }

    @Test
    void llamaBpeAddsBosByDefaultAndQwen2DoesNot() {
        Tokenizer llama = Tokenizer.create(bpe("llama-bpe", new String[] {}, "<|begin_of_text|>").bos(256).build());
        assertThat(llama.encode("a", true, false)).containsExactly(256, 'a');
        Tokenizer qwen = Tokenizer.create(bpe("qwen2", new String[] {}, "<|endoftext|>").bos(256).build());
        assertThat(qwen.encode("a", true, false)).containsExactly('a');
    }

    @Test
    void cleanSpacesRemovesTheSpaceBeforePunctuationOnlyWhereTheFamilyWantsIt() {
        int[] ids = {'a', ' ', '.'}; // token id i spells byte i
        assertThat(Tokenizer.create(bpe("gpt-2", new String[] {}).build()).decode(ids)).isEqualTo("a.");
        assertThat(Tokenizer.create(bpe("qwen2", new String[] {}).build()).decode(ids)).isEqualTo("a .");
    }

    @Test
    void specialTokensAreCutOutLongestFirstAndControlOnlyWhenParsed() {
        Vocabulary v = bpe("qwen2", new String[] {}, "<|im_start|>", "<|im_start|>x", "<think>")
                .tokenTypes(types(259, 3, 3, 4)).build();
        Tokenizer t = Tokenizer.create(v);
        assertThat(t.encode("a<|im_start|>xb", false, true)).containsExactly('a', 257, 'b');
        assertThat(t.encode("<|im_start|>a", false, true)).containsExactly(256, 'a');
        // user-defined tokens are recognised even when special tokens are not parsed
        assertThat(t.encode("a<think>b", false, false)).containsExactly('a', 258, 'b');
        assertThat(t.encode("<|im_start|>", false, false)).doesNotContain(256, 257);
        assertThat(t.decode(new int[] {256, 'a'})).isEqualTo("a");
        assertThat(t.decode(new int[] {256, 'a'}, false, true)).isEqualTo("<|im_start|>a");
    }

    private static int[] types(int n, int... tail) {
        int[] types = new int[n];
        java.util.Arrays.fill(types, 1);
        System.arraycopy(tail, 0, types, n - tail.length, tail.length);
        return types;
    }

    @Test
    void unknownPreTokenizerIsRejectedWithItsName() {
        assertThatThrownBy(() -> Tokenizer.create(bpe("nonesuch", new String[] {}).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nonesuch'").hasMessageContaining("llama-bpe").hasMessageContaining("qwen2");
    }
}
