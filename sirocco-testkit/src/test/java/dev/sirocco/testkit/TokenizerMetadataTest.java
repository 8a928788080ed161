package dev.sirocco.testkit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerMetadataTest {

    @Test
    void syntheticSpmHasSpecialByteAndPieceTokensWithoutDuplicates() {
        TokenizerMetadata v = TokenizerMetadata.syntheticSpm();
        String[] tokens = v.tokens();
        assertThat(tokens.length).isEqualTo(v.size()).isBetween(500, 1000);
        assertThat(new HashSet<>(Arrays.asList(tokens))).hasSize(tokens.length);
        assertThat(tokens[TokenizerMetadata.UNK]).isEqualTo("<unk>");
        assertThat(tokens[TokenizerMetadata.BOS]).isEqualTo("<s>");
        assertThat(tokens[TokenizerMetadata.EOS]).isEqualTo("</s>");
        assertThat(tokens[3 + 0x41]).isEqualTo("<0x41>");
        assertThat(Arrays.asList(tokens)).contains("▁the", "▁th", "▁t", "▁", "<|ctl_begin|>");
        int[] types = (int[]) v.metadata().get("tokenizer.ggml.token_type");
        float[] scores = (float[]) v.metadata().get("tokenizer.ggml.scores");
        assertThat(types).hasSize(tokens.length);
        assertThat(scores).hasSize(tokens.length);
        assertThat(types[3 + 0x41]).isEqualTo(6); // byte
        assertThat(types[tokens.length - 1]).isEqualTo(3); // control
    }

    @Test
    void givenMetadataIsKeptInOrderAndUnsupportedValuesAreRejected() {
        TokenizerMetadata v = TokenizerMetadata.of(Map.of("tokenizer.ggml.tokens", new String[] {"a", "b"}));
        assertThat(v.size()).isEqualTo(2);
        assertThatThrownBy(() -> TokenizerMetadata.of(Map.of("tokenizer.ggml.tokens", new String[] {"a"}, "x", new double[1])))
                .hasMessageContaining("unsupported metadata value type for x");
        assertThatThrownBy(() -> TokenizerMetadata.of(Map.of("tokenizer.ggml.model", "llama")))
                .hasMessageContaining("tokenizer.ggml.tokens");
    }

    @Test
    void syntheticBpeUsesGpt2ByteSymbolsAndWellFormedMerges() {
        TokenizerMetadata v = TokenizerMetadata.syntheticBpe("qwen2");
        String[] tokens = v.tokens();
        assertThat(tokens[' ']).isEqualTo("\u0120");   // Ġ: the space byte
        assertThat(tokens['\n']).isEqualTo("\u010A");  // Ċ
        assertThat(tokens['a']).isEqualTo("a");
        assertThat(tokens[0xAD]).isEqualTo("\u0143");   // the soft hyphen is not printable: 256 + 67
        var known = new HashSet<>(Arrays.asList(tokens));
        assertThat(known).hasSize(tokens.length);
        for (String merge : (String[]) v.metadata().get("tokenizer.ggml.merges")) {
            String[] sides = merge.split(" ");
            assertThat(sides).hasSize(2);
            assertThat(known).contains(sides[0], sides[1], sides[0] + sides[1]);
        }
        assertThat(v.metadata()).containsEntry("tokenizer.ggml.model", "gpt2").containsEntry("tokenizer.ggml.pre", "qwen2");
    }
}
