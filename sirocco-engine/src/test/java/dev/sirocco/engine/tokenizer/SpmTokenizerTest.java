package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpmTokenizerTest {

    /** ids: 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then the given pieces with the given scores. */
    static Vocabulary.Builder spm(String[] pieces, float[] pieceScores) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
        }
        for (String p : pieces) {
            tokens.add(p);
            types.add(1);
        }
        float[] scores = new float[tokens.size()];
        System.arraycopy(pieceScores, 0, scores, 259, pieceScores.length);
        return Vocabulary.builder("llama", "default", tokens.toArray(String[]::new))
                .scores(scores).tokenTypes(types.stream().mapToInt(Integer::intValue).toArray());
    }

    private static final int P = 259; // id of the first piece

    @Test
    void mergesTheHighestScoringPairFirst() {
        String[] pieces = {"▁", "a", "b", "c", "ab", "bc", "▁a"};
        // ab beats bc and ▁a: ▁ + ab + c, and neither ▁ab nor abc exists
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, 0, 0, -1, -2, -3}).build());
        assertThat(t.encode("abc", false, false)).containsExactly(P, P + 4, P + 3);
        // bc first, then ▁a
        Tokenizer u = Tokenizer.create(spm(pieces, new float[] {0, 0, 0, 0, -3, -1, -2}).build());
        assertThat(u.encode("abc", false, false)).containsExactly(P + 6, P + 5);
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        String[] pieces = {"a", "b", "c", "ab", "bc"};
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, 0, -1, -1}).addSpacePrefix(false).build());
        assertThat(t.encode("abc", false, false)).containsExactly(P + 3, P + 2);
    }

    @Test
    void charactersWithoutATokenFallBackToTheirUtf8Bytes() {
        Tokenizer t = Tokenizer.create(spm(new String[] {"▁", "a"}, new float[] {0, 0}).build());
        // é = C3 A9; byte token for 0xNN has id 3 + 0xNN
        assertThat(t.encode("aé", false, false)).containsExactly(P, P + 1, 3 + 0xC3, 3 + 0xA9);
        assertThat(t.decode(t.encode("aé", false, false))).isEqualTo("aé");
        assertThat(t.tokenBytes(3 + 0x0A)).containsExactly(0x0A);
    }

    @Test
    void spacesBecomeMetaspaceAndAPrefixSpaceIsAdded() {
        String[] pieces = {"▁", "a", "▁a", "▁▁"};
        // "▁a▁▁a": with ▁▁ scoring above ▁a the double space stays together ...
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, -1, -0.5f}).build());
        assertThat(t.encode("a  a", false, false)).containsExactly(P + 2, P + 3, P + 1);
        // ... below it, the second ▁a is taken first and the middle ▁ is left alone
        Tokenizer u = Tokenizer.create(spm(pieces, new float[] {0, 0, -1, -2}).build());
        assertThat(u.encode("a  a", false, false)).containsExactly(P + 2, P, P + 2);
        Tokenizer noPrefix = Tokenizer.create(spm(pieces, new float[] {0, 0, -1, -2}).addSpacePrefix(false).build());
        assertThat(noPrefix.encode("a", false, false)).containsExactly(P + 1);
    }

    @Test
    void bosIsAddedByDefaultAndTextAfterASpecialTokenGetsASpacePrefix() {
        String[] pieces = {"▁", "a", "▁a"};
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, -1}).build());
        assertThat(t.encode("a</s>a", true, true)).containsExactly(1, P + 2, 2, P + 2);
        // not parsed: the control text is plain characters, here bytes
        assertThat(t.encode("</s>", false, false)).hasSizeGreaterThan(1).doesNotContain(2);
        Tokenizer eos = Tokenizer.create(spm(pieces, new float[] {0, 0, -1}).addBos(false).addEos(true).build());
        assertThat(eos.encode("a", true, false)).containsExactly(P + 2, 2);
    }

    @Test
    void decodeDropsTheAddedPrefixSpaceOnlyWithoutALeadingBos() {
        String[] pieces = {"▁", "a", "▁a"};
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, -1}).build());
        assertThat(t.decode(new int[] {P + 2, P + 2})).isEqualTo("a a");
        // llama.cpp keeps the space after a BOS, removed or not
        assertThat(t.decode(new int[] {1, P + 2})).isEqualTo(" a");
        assertThat(t.decode(new int[] {1, P + 2}, true, false)).isEqualTo(" a");
        assertThat(t.decode(new int[] {1, P + 2, 2}, false, true)).isEqualTo("<s> a</s>");
        assertThat(t.tokenBytes(1)).isEmpty();
        assertThat(t.tokenBytes(1, true)).containsExactly("<s>".getBytes());
    }

    @Test
    void phi3SpecialTokensSwallowTheWhitespaceAfterThem() {
        String[] pieces = {"▁", "a", "▁a", "<|end|>", "▁▁"};
        Vocabulary.Builder b = spm(pieces, new float[] {0, 0, -1, 0, -2});
        int[] types = b.build().tokenTypes().clone();
        types[P + 3] = Vocabulary.TYPE_CONTROL;
        // text after a special token gets the SPM space prefix; Phi-3 first drops the spaces that follow the token
        Tokenizer phi3 = Tokenizer.create(b.tokenTypes(types).generalName("Phi3").build());
        assertThat(phi3.encode("a<|end|>  a", false, true)).containsExactly(P + 2, P + 3, P + 2);
        Tokenizer other = Tokenizer.create(b.tokenTypes(types).generalName("other").build());
        assertThat(other.encode("a<|end|>  a", false, true)).containsExactly(P + 2, P + 3, P + 4, P + 2);
    }

    @Test
    void endOfGenerationIsEosPlusKnownTexts() {
        String[] pieces = {"▁", "<end_of_turn>", "<|im_end|>"};
        Tokenizer t = Tokenizer.create(spm(pieces, new float[] {0, 0, 0}).build());
        assertThat(t.isEndOfGeneration(2)).isTrue();
        assertThat(t.isEndOfGeneration(P + 1)).isTrue();
        assertThat(t.isEndOfGeneration(P + 2)).isTrue();
        assertThat(t.isEndOfGeneration(P)).isFalse();
        assertThat(t.specialTokens().eot()).isEqualTo(P + 1);
    }

    @Test
    void unknownModelIsRejectedWithItsNameAndTheSupportedOnes() {
        Vocabulary v = Vocabulary.builder("rwkv", null, new String[] {"a"}).build();
        assertThatThrownBy(() -> Tokenizer.create(v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rwkv'").hasMessageContaining("llama").hasMessageContaining("gpt2");
    }
}
