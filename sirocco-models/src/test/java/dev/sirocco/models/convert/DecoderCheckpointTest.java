package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.ModelRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.json to hyperparameters: Gemma 3's defaults and what llama.cpp's gemma3 would run wrong is refused; experts only for llama. */
class DecoderCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode gemma3() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("Gemma3ForCausalLM");
        return c.put("hidden_size", 64).put("intermediate_size", 128).put("num_hidden_layers", 12).put("head_dim", 16)
                .put("sliding_window", 512);
    }

    @Test
    void gemma3TakesGemma3TextConfigDefaultsForWhatConfigLeavesOut() {
        DecoderCheckpoint c = DecoderCheckpoint.of(gemma3());
        assertThat(c.family()).isEqualTo(DecoderFamily.GEMMA3);
        assertThat(c.heads()).isEqualTo(8);
        assertThat(c.kvHeads()).isEqualTo(4);
        assertThat(c.vocab()).isEqualTo(262208);
        assertThat(c.context()).isEqualTo(131072);
        assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
        assertThat(c.swaRopeTheta()).isEqualTo(10_000.0);
        assertThat(c.slidingWindow()).isEqualTo(512);
        assertThat(c.tiedEmbeddings()).isTrue();
    }

    @Test
    void gemma3WithAnAttentionScaleOrLayerPatternLlamaCppDoesNotUseIsRefused() {
        assertThatThrownBy(() -> DecoderCheckpoint.of(gemma3().put("query_pre_attn_scalar", 256)))
                .isInstanceOf(ModelRequestException.class)
                .hasMessage("config.json's query_pre_attn_scalar 256.0 is not the 16.0 llama.cpp's gemma3 graph uses for this model size");
        ObjectNode c = gemma3();
        var types = c.putArray("layer_types");
        for (int l = 0; l < 12; l++) {
            types.add(l % 4 == 3 ? "full_attention" : "sliding_attention");
        }
        assertThatThrownBy(() -> DecoderCheckpoint.of(c))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("config.json's layer_types[3] is \"full_attention\"; llama.cpp's gemma3 assumes five"
                        + " sliding-window layers then one global");
        assertThat(DecoderCheckpoint.of(gemma3().put("sliding_window_pattern", 1)).slidingWindow()).as("all global").isZero();
    }

    @Test
    void expertsAreOnlyConvertedForLlamaFamilyCheckpoints() {
        ObjectNode qwen = JSON.createObjectNode();
        qwen.putArray("architectures").add("Qwen2ForCausalLM");
        qwen.put("hidden_size", 64).put("intermediate_size", 128).put("num_hidden_layers", 2).put("num_attention_heads", 4)
                .put("vocab_size", 100).put("num_local_experts", 8).put("num_experts_per_tok", 2);
        assertThatThrownBy(() -> DecoderCheckpoint.of(qwen)).isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("only Mixtral-style llama experts are converted");
        ObjectNode mixtral = qwen.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) mixtral.get("architectures")).set(0, "MixtralForCausalLM");
        assertThat(DecoderCheckpoint.of(mixtral).experts()).isEqualTo(8);
        assertThatThrownBy(() -> DecoderCheckpoint.of(mixtral.put("num_experts_per_tok", 9))).isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("num_experts_per_tok between 1 and num_local_experts 8");
    }
}
