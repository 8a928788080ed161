package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLayoutTest {

    private static Map<String, TensorPlan> byName(ModelSpec spec) {
        return ModelLayout.tensors(spec).stream().collect(Collectors.toMap(TensorPlan::name, Function.identity()));
    }

    @Test
    void llamaTensorsHaveLlamaCppNamesAndGgmlOrderShapes() {
        ModelSpec spec = ModelSpec.tinyLlama();
        int v = spec.tokenizer().size();
        Map<String, TensorPlan> t = byName(spec);
        assertThat(t).hasSize(3 + 2 * 9);
        assertThat(t.get("token_embd.weight").shape()).containsExactly(64, v);
        assertThat(t.get("output.weight").shape()).containsExactly(64, v);
        assertThat(t.get("output_norm.weight").shape()).containsExactly(64);
        assertThat(t.get("blk.1.attn_q.weight").shape()).containsExactly(64, 64);
        assertThat(t.get("blk.1.attn_k.weight").shape()).containsExactly(64, 32); // 2 KV heads of 16
        assertThat(t.get("blk.1.attn_v.weight").shape()).containsExactly(64, 32);
        assertThat(t.get("blk.1.attn_output.weight").shape()).containsExactly(64, 64);
        assertThat(t.get("blk.0.ffn_gate.weight").shape()).containsExactly(64, 128);
        assertThat(t.get("blk.0.ffn_up.weight").shape()).containsExactly(64, 128);
        assertThat(t.get("blk.0.ffn_down.weight").shape()).containsExactly(128, 64);
    }

    @Test
    void oneDimensionalTensorsStayF32WhateverTheWeightType() {
        ModelSpec spec = ModelSpec.tinyQwen2().toBuilder().weightType(GgmlType.BF16).type("token_embd", GgmlType.F16).build();
        for (TensorPlan p : ModelLayout.tensors(spec)) {
            GgmlType expected = p.shape().length == 1 ? GgmlType.F32
                    : p.name().equals("token_embd.weight") ? GgmlType.F16 : GgmlType.BF16;
            assertThat(p.type()).as(p.name()).isEqualTo(expected);
        }
        assertThat(byName(spec).get("blk.0.attn_k.bias").shape()).containsExactly(32);
    }

    @Test
    void tiedEmbeddingsLeaveOutTheOutputMatrix() {
        assertThat(byName(ModelSpec.tinyLlama3())).doesNotContainKey("output.weight").containsKey("token_embd.weight");
    }

    @Test
    void mixtralHasRouterAndStackedExpertTensors() {
        Map<String, TensorPlan> t = byName(ModelSpec.tinyMixtral());
        assertThat(t.get("blk.0.ffn_gate_inp.weight").shape()).containsExactly(64, 4);
        assertThat(t.get("blk.0.ffn_gate_exps.weight").shape()).containsExactly(64, 128, 4);
        assertThat(t.get("blk.0.ffn_up_exps.weight").shape()).containsExactly(64, 128, 4);
        assertThat(t.get("blk.0.ffn_down_exps.weight").shape()).containsExactly(128, 64, 4);
        assertThat(t).doesNotContainKey("blk.0.ffn_gate.weight");
        ModelSpec q = ModelSpec.tinyMixtral().toBuilder().weightType(GgmlType.Q8_0).build();
        assertThat(byName(q).get("blk.0.ffn_gate_inp.weight").type()).isEqualTo(GgmlType.F32); // as llama-quantize leaves it
        assertThat(byName(q).get("blk.0.ffn_up_exps.weight").type()).isEqualTo(GgmlType.Q8_0);
        Map<String, Object> m = ModelLayout.metadata(ModelSpec.tinyMixtral());
        assertThat(m).containsEntry("llama.expert_count", 4).containsEntry("llama.expert_used_count", 2);
    }

    @Test
    void qwen3HeadDimDiffersFromDimOverHeadsAndIsWritten() {
        ModelSpec spec = ModelSpec.tinyQwen3();
        Map<String, TensorPlan> t = byName(spec);
        assertThat(t.get("blk.0.attn_q.weight").shape()).containsExactly(64, 128); // 4 heads of 32
        assertThat(t.get("blk.0.attn_output.weight").shape()).containsExactly(128, 64);
        assertThat(t.get("blk.0.attn_q_norm.weight").shape()).containsExactly(32);
        assertThat(t.get("blk.0.attn_k_norm.weight").shape()).containsExactly(32);
        assertThat(ModelLayout.metadata(spec)).containsEntry("qwen3.attention.key_length", 32)
                .containsEntry("qwen3.attention.value_length", 32);
    }

    @Test
    void gemma3HasPostNormsQkNormsAndSlidingWindow() {
        Map<String, TensorPlan> t = byName(ModelSpec.tinyGemma3());
        assertThat(t).containsKeys("blk.5.post_attention_norm.weight", "blk.5.post_ffw_norm.weight",
                "blk.5.attn_q_norm.weight", "blk.5.attn_k_norm.weight").doesNotContainKey("output.weight");
        assertThat(ModelLayout.metadata(ModelSpec.tinyGemma3())).containsEntry("gemma3.attention.sliding_window", 4)
                .containsEntry("general.architecture", "gemma3");
    }

    @Test
    void metadataHoldsLlamaCppKeysAndTheVocabulary() {
        Map<String, Object> m = ModelLayout.metadata(ModelSpec.tinyLlama());
        assertThat(List.copyOf(m.keySet()).getFirst()).isEqualTo("general.architecture");
        assertThat(m).containsEntry("llama.embedding_length", 64).containsEntry("llama.block_count", 2)
                .containsEntry("llama.feed_forward_length", 128).containsEntry("llama.attention.head_count", 4)
                .containsEntry("llama.attention.head_count_kv", 2).containsEntry("llama.rope.dimension_count", 16)
                .containsEntry("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .containsEntry("tokenizer.ggml.model", "llama").containsKey("tokenizer.ggml.tokens");
    }

    @Test
    void valuesDependOnSeedAndNameOnlyNotOnOtherTensorsTypes() {
        ModelSpec a = ModelSpec.tinyLlama();
        ModelSpec b = a.toBuilder().type("ffn_down", GgmlType.F16).build();
        ModelSpec c = a.toBuilder().seed(43).build();
        assertThat(ModelLayout.values(a, "blk.0.attn_q.weight")).containsExactly(ModelLayout.values(b, "blk.0.attn_q.weight"));
        assertThat(ModelLayout.values(a, "blk.0.attn_q.weight")).isNotEqualTo(ModelLayout.values(c, "blk.0.attn_q.weight"));
        assertThat(ModelLayout.values(a, "blk.0.attn_q.weight")).isNotEqualTo(ModelLayout.values(a, "blk.0.attn_k.weight"));
    }

    @Test
    void weightSpreadScalesWithOneOverSqrtFanIn() {
        ModelSpec spec = ModelSpec.tinyLlama();
        assertThat(std(ModelLayout.values(spec, "blk.0.ffn_down.weight"))).isCloseTo(1 / Math.sqrt(128), within(0.05 / Math.sqrt(128)));
        assertThat(std(ModelLayout.values(spec, "blk.0.attn_q.weight"))).isCloseTo(1 / Math.sqrt(64), within(0.05 / Math.sqrt(64)));
        assertThat(std(ModelLayout.values(spec, "output.weight"))).isCloseTo(3 / Math.sqrt(64), within(0.05 * 3 / Math.sqrt(64)));
        assertThat(mean(ModelLayout.values(spec, "blk.0.attn_norm.weight"))).isCloseTo(1.0, within(0.05));
    }

    @Test
    void tiedModelsScaleTheOutputNormInsteadOfTheEmbedding() {
        ModelSpec spec = ModelSpec.tinyLlama3();
        assertThat(mean(ModelLayout.values(spec, "output_norm.weight"))).isCloseTo(3.0, within(0.15));
        assertThat(std(ModelLayout.values(spec, "token_embd.weight"))).isCloseTo(1 / Math.sqrt(64), within(0.05 / Math.sqrt(64)));
    }

    @Test
    void llama3RopeFactorsRunFromOneAtHighFrequenciesToEightAtLowOnes() {
        ModelSpec spec = ModelSpec.tinyLlama3();
        assertThat(byName(spec).get("rope_freqs.weight").shape()).containsExactly(8);
        // head dim 128 and base 500000 as in Llama 3.1 8B: wavelengths span 2*pi .. ~3e6 tokens
        float[] f = ModelLayout.llama3RopeFactors(128, 500000f);
        assertThat(f).hasSize(64);
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[63]).isEqualTo(8f);
        for (int i = 1; i < f.length; i++) {
            assertThat(f[i]).isGreaterThanOrEqualTo(f[i - 1]).isBetween(1f, 8f);
        }
        // dimension i has wavelength 2*pi*500000^(2i/128); between 2048 and 8192 tokens the factor blends smoothly
        for (int i = 0; i < 64; i++) {
            double wavelen = 2 * Math.PI * Math.pow(500000, 2.0 * i / 128);
            if (wavelen > 2100 && wavelen < 8000) {
                assertThat(f[i]).isStrictlyBetween(1f, 8f);
                double smooth = (8192 / wavelen - 1) / 3;
                assertThat((double) f[i]).isCloseTo(1 / ((1 - smooth) / 8 + smooth), within(1e-4));
            }
        }
    }

    @Test
    void blockTypesNeedWholeBlocksPerRow() {
        ModelSpec spec = ModelSpec.tinyLlama().toBuilder().weightType(GgmlType.Q4_K).build();
        assertThatThrownBy(() -> ModelLayout.tensors(spec))
                .hasMessageContaining("token_embd.weight cannot be Q4_K").hasMessageContaining("multiple of 256");
        ModelSpec wide = ModelSpec.builder("llama").dim(256).ffn(512).weightType(GgmlType.Q4_K).build();
        assertThat(ModelLayout.tensors(wide)).filteredOn(t -> t.shape().length == 2).allMatch(t -> t.type() == GgmlType.Q4_K);
    }

    @Test
    void specRejectsImpossibleShapes() {
        assertThatThrownBy(() -> ModelSpec.builder("llama").heads(4).kvHeads(3).build())
                .hasMessageContaining("multiple of kvHeads");
        assertThatThrownBy(() -> ModelSpec.builder("qwen2").headDim(32).build())
                .hasMessageContaining("heads * headDim == dim");
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v), s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
