package dev.sirocco.engine.quantize;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.sirocco.engine.tensor.GgmlType.F16;
import static dev.sirocco.engine.tensor.GgmlType.F32;
import static dev.sirocco.engine.tensor.GgmlType.Q4_0;
import static dev.sirocco.engine.tensor.GgmlType.Q4_K;
import static dev.sirocco.engine.tensor.GgmlType.Q5_0;
import static dev.sirocco.engine.tensor.GgmlType.Q5_1;
import static dev.sirocco.engine.tensor.GgmlType.Q5_K;
import static dev.sirocco.engine.tensor.GgmlType.Q6_K;
import static dev.sirocco.engine.tensor.GgmlType.Q8_0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expected types derived by hand from src/llama-quant.cpp for two real model shapes. use_more_bits(i, n) is
 * {@code i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2}; for 16 layers that is layers {0,1,4,7,10,13,14,15},
 * for 32 layers {0..3, 6,9,12,15,18,21,24,27, 28..31}.
 */
class QuantizationPlanTest {

    private static final Set<Integer> MORE_BITS_16 = Set.of(0, 1, 4, 7, 10, 13, 14, 15);
    private static final Set<Integer> MORE_BITS_32 = Set.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);

    private static QuantizationPlan.Source t(String name, GgmlType type, long... shape) {
        return new QuantizationPlan.Source(name, type, shape);
    }

    /** Llama-3.2-1B as converted to BF16: 16 layers, dim 2048, 32 heads / 8 KV heads, ffn 8192, tied embeddings. */
    static List<QuantizationPlan.Source> llama32_1b() {
        List<QuantizationPlan.Source> l = new ArrayList<>();
        l.add(t("token_embd.weight", GgmlType.BF16, 2048, 128256));
        l.add(t("rope_freqs.weight", F32, 32));
        l.add(t("output_norm.weight", F32, 2048));
        for (int i = 0; i < 16; i++) {
            String b = "blk." + i + ".";
            l.add(t(b + "attn_norm.weight", F32, 2048));
            l.add(t(b + "attn_q.weight", GgmlType.BF16, 2048, 2048));
            l.add(t(b + "attn_k.weight", GgmlType.BF16, 2048, 512));
            l.add(t(b + "attn_v.weight", GgmlType.BF16, 2048, 512));
            l.add(t(b + "attn_output.weight", GgmlType.BF16, 2048, 2048));
            l.add(t(b + "ffn_norm.weight", F32, 2048));
            l.add(t(b + "ffn_gate.weight", GgmlType.BF16, 2048, 8192));
            l.add(t(b + "ffn_up.weight", GgmlType.BF16, 2048, 8192));
            l.add(t(b + "ffn_down.weight", GgmlType.BF16, 8192, 2048));
        }
        return l;
    }

    /** Mixtral-8x7B's shapes: 32 layers, 8 experts stored as 3-D tensors, a router, an untied output. */
    static List<QuantizationPlan.Source> mixtral() {
        List<QuantizationPlan.Source> l = new ArrayList<>();
        l.add(t("token_embd.weight", F16, 4096, 32000));
        l.add(t("output.weight", F16, 4096, 32000));
        l.add(t("output_norm.weight", F32, 4096));
        for (int i = 0; i < 32; i++) {
            String b = "blk." + i + ".";
            l.add(t(b + "attn_norm.weight", F32, 4096));
            l.add(t(b + "attn_q.weight", F16, 4096, 4096));
            l.add(t(b + "attn_k.weight", F16, 4096, 1024));
            l.add(t(b + "attn_v.weight", F16, 4096, 1024));
            l.add(t(b + "attn_output.weight", F16, 4096, 4096));
            l.add(t(b + "ffn_norm.weight", F32, 4096));
            l.add(t(b + "ffn_gate_inp.weight", F32, 4096, 8));
            l.add(t(b + "ffn_gate_exps.weight", F16, 4096, 14336, 8));
            l.add(t(b + "ffn_up_exps.weight", F16, 4096, 14336, 8));
            l.add(t(b + "ffn_down_exps.weight", F16, 14336, 4096, 8));
        }
        return l;
    }

    private static final ModelHparams LLAMA_1B = new ModelHparams("llama", 16, 0, 32, 8);
    private static final ModelHparams MIXTRAL = new ModelHparams("llama", 32, 8, 32, 8);

    private static int layer(String name) {
        return Integer.parseInt(name.split("\\.")[1]);
    }

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void normsAndRopeFactorsStayF32(QuantType type) {
        QuantizationPlan plan = QuantizationPlan.of(llama32_1b(), LLAMA_1B, type);
        for (PlannedTensor p : plan.tensors()) {
            if (p.name().endsWith("_norm.weight") || p.name().equals("rope_freqs.weight")) {
                assertThat(p.to()).as(p.name()).isEqualTo(F32);
                assertThat(p.converts()).isFalse();
            }
        }
    }

    @Test
    void llama1bQ4KMGivesQ6KToTiedEmbeddingAndUseMoreBitsLayers() {
        QuantizationPlan plan = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q4_K_M);
        assertThat(plan.typeOf("token_embd.weight")).isEqualTo(Q6_K); // doubles as the output
        for (PlannedTensor p : plan.tensors()) {
            if (!p.name().startsWith("blk.") || p.name().endsWith("_norm.weight")) {
                continue;
            }
            boolean sensitive = p.name().endsWith("attn_v.weight") || p.name().endsWith("ffn_down.weight");
            GgmlType expected = sensitive && MORE_BITS_16.contains(layer(p.name())) ? Q6_K : Q4_K;
            assertThat(p.to()).as(p.name()).isEqualTo(expected);
        }
    }

    @Test
    void llama1bQ5KMUsesQ5KWithQ6KForTheSameLayers() {
        QuantizationPlan plan = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q5_K_M);
        assertThat(plan.typeOf("token_embd.weight")).isEqualTo(Q6_K);
        assertThat(plan.typeOf("blk.4.attn_v.weight")).isEqualTo(Q6_K);
        assertThat(plan.typeOf("blk.5.attn_v.weight")).isEqualTo(Q5_K);
        assertThat(plan.typeOf("blk.13.ffn_down.weight")).isEqualTo(Q6_K);
        assertThat(plan.typeOf("blk.12.ffn_down.weight")).isEqualTo(Q5_K);
        assertThat(plan.typeOf("blk.0.attn_q.weight")).isEqualTo(Q5_K);
        assertThat(plan.typeOf("blk.15.ffn_up.weight")).isEqualTo(Q5_K);
        long q6 = plan.tensors().stream().filter(p -> p.to() == Q6_K).count();
        assertThat(q6).isEqualTo(1 + 2 * MORE_BITS_16.size());
    }

    @Test
    void llama1bQ4_0KeepsQ4_0ButTheTiedEmbeddingTakesQ6K() {
        QuantizationPlan plan = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q4_0);
        assertThat(plan.typeOf("token_embd.weight")).isEqualTo(Q6_K);
        for (PlannedTensor p : plan.tensors()) {
            if (p.name().startsWith("blk.") && !p.name().endsWith("_norm.weight")) {
                assertThat(p.to()).as(p.name()).isEqualTo(Q4_0);
            }
        }
    }

    @Test
    void llama1bQ8_0AndQ6KAreUniform() {
        QuantizationPlan q8 = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q8_0);
        QuantizationPlan q6 = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q6_K);
        for (PlannedTensor p : q8.tensors()) {
            if (p.shape().length == 2) {
                assertThat(p.to()).as(p.name()).isEqualTo(Q8_0);
                assertThat(q6.typeOf(p.name())).as(p.name()).isEqualTo(Q6_K);
            }
        }
    }

    @Test
    void untiedTokenEmbeddingKeepsTheDefaultTypeAndOutputTakesQ6K() {
        List<QuantizationPlan.Source> l = new ArrayList<>(llama32_1b());
        l.add(t("output.weight", GgmlType.BF16, 2048, 128256));
        QuantizationPlan plan = QuantizationPlan.of(l, LLAMA_1B, QuantType.Q4_K_M);
        assertThat(plan.typeOf("token_embd.weight")).isEqualTo(Q4_K);
        assertThat(plan.typeOf("output.weight")).isEqualTo(Q6_K);
        assertThat(QuantizationPlan.of(l, LLAMA_1B, QuantType.Q8_0).typeOf("output.weight")).isEqualTo(Q8_0);
    }

    @Test
    void mixtralQ4KMBumpsAttentionAndKeepsTheRouter() {
        QuantizationPlan plan = QuantizationPlan.of(mixtral(), MIXTRAL, QuantType.Q4_K_M);
        assertThat(plan.typeOf("token_embd.weight")).isEqualTo(Q4_K); // untied
        assertThat(plan.typeOf("output.weight")).isEqualTo(Q6_K);
        for (int i = 0; i < 32; i++) {
            String b = "blk." + i + ".";
            assertThat(plan.typeOf(b + "attn_v.weight")).isEqualTo(Q8_0);   // n_expert == 8
            assertThat(plan.typeOf(b + "attn_k.weight")).isEqualTo(Q8_0);   // n_expert == 8
            assertThat(plan.typeOf(b + "attn_output.weight")).isEqualTo(Q5_K);
            assertThat(plan.typeOf(b + "attn_q.weight")).isEqualTo(Q4_K);
            assertThat(plan.typeOf(b + "ffn_gate_inp.weight")).isEqualTo(F32);
            assertThat(plan.typeOf(b + "ffn_gate_exps.weight")).isEqualTo(Q4_K);
            assertThat(plan.typeOf(b + "ffn_up_exps.weight")).isEqualTo(Q4_K);
            assertThat(plan.typeOf(b + "ffn_down_exps.weight")).as(b)
                    .isEqualTo(MORE_BITS_32.contains(i) ? Q6_K : Q4_K);
        }
    }

    @Test
    void mixtralQ5KMAndQ4_0KeepAttnOutputAtTheDefault() {
        QuantizationPlan q5 = QuantizationPlan.of(mixtral(), MIXTRAL, QuantType.Q5_K_M);
        QuantizationPlan q4 = QuantizationPlan.of(mixtral(), MIXTRAL, QuantType.Q4_0);
        assertThat(q5.typeOf("blk.3.attn_output.weight")).isEqualTo(Q5_K);
        assertThat(q5.typeOf("blk.3.attn_v.weight")).isEqualTo(Q8_0);
        assertThat(q5.typeOf("blk.4.ffn_down_exps.weight")).isEqualTo(Q5_K);
        assertThat(q5.typeOf("blk.6.ffn_down_exps.weight")).isEqualTo(Q6_K);
        assertThat(q4.typeOf("blk.3.attn_output.weight")).isEqualTo(Q4_0);
        assertThat(q4.typeOf("blk.3.attn_k.weight")).isEqualTo(Q8_0);
        assertThat(q4.typeOf("blk.3.ffn_down_exps.weight")).isEqualTo(Q4_0);
        assertThat(q4.typeOf("output.weight")).isEqualTo(Q6_K);
        assertThat(q4.typeOf("token_embd.weight")).isEqualTo(Q4_0);
    }

    @Test
    void mixtralExpertLayerComesFromTheNameNotTheCounter() {
        // Drop layer 0's ffn_down: a counter would then call layer 1's tensor layer 0.
        List<QuantizationPlan.Source> l = new ArrayList<>(mixtral());
        l.removeIf(s -> s.name().equals("blk.0.ffn_down_exps.weight"));
        QuantizationPlan plan = QuantizationPlan.of(l, MIXTRAL, QuantType.Q4_K_M);
        assertThat(plan.typeOf("blk.5.ffn_down_exps.weight")).isEqualTo(Q4_K);
        assertThat(plan.typeOf("blk.6.ffn_down_exps.weight")).isEqualTo(Q6_K);
    }

    @Test
    void denseFfnDownLayerComesFromItsPositionInWriteOrder() {
        // Dense models count ffn_down tensors in write order: without layer 0's, layer 1 is judged as layer 0.
        List<QuantizationPlan.Source> l = new ArrayList<>(llama32_1b());
        l.removeIf(s -> s.name().equals("blk.0.ffn_down.weight"));
        QuantizationPlan plan = QuantizationPlan.of(l, LLAMA_1B, QuantType.Q4_K_M);
        assertThat(plan.typeOf("blk.5.ffn_down.weight")).isEqualTo(Q6_K); // judged as 4
        assertThat(plan.typeOf("blk.4.ffn_down.weight")).isEqualTo(Q4_K); // judged as 3
    }

    @Test
    void rowLengthsThatDoNotFitAKQuantFallBack() {
        // Qwen2.5-0.5B: dim 896 = 3.5 * 256, ffn 4864 = 19 * 256, tied embeddings.
        ModelHparams hp = new ModelHparams("qwen2", 24, 0, 14, 2);
        List<QuantizationPlan.Source> l = List.of(
                t("token_embd.weight", F16, 896, 151936),
                t("blk.0.attn_q.weight", F16, 896, 896),
                t("blk.0.attn_v.weight", F16, 896, 128),
                t("blk.0.ffn_down.weight", F16, 4864, 896),
                t("blk.0.ffn_up.weight", F16, 896, 4864),
                t("blk.1.attn_q.weight", F16, 40, 64)); // 40: not even a multiple of 32
        QuantizationPlan k4 = QuantizationPlan.of(l, hp, QuantType.Q4_K_M);
        assertThat(k4.typeOf("token_embd.weight")).isEqualTo(Q8_0);     // output rule: nx % 256 != 0
        assertThat(k4.typeOf("blk.0.attn_q.weight")).isEqualTo(Q5_0);   // Q4_K -> Q5_0
        assertThat(k4.typeOf("blk.0.attn_v.weight")).isEqualTo(Q8_0);   // layer 0: Q6_K -> Q8_0
        assertThat(k4.typeOf("blk.0.ffn_down.weight")).isEqualTo(Q6_K); // 4864 fits
        assertThat(k4.typeOf("blk.0.ffn_up.weight")).isEqualTo(Q5_0);
        assertThat(k4.typeOf("blk.1.attn_q.weight")).isEqualTo(F16);    // Q5_0 does not fit 40 either
        QuantizationPlan k5 = QuantizationPlan.of(l, hp, QuantType.Q5_K_M);
        assertThat(k5.typeOf("blk.0.attn_q.weight")).isEqualTo(Q5_1);
        QuantizationPlan q4 = QuantizationPlan.of(l, hp, QuantType.Q4_0);
        assertThat(q4.typeOf("blk.0.attn_q.weight")).isEqualTo(Q4_0);
        assertThat(q4.typeOf("blk.1.attn_q.weight")).isEqualTo(F16);
    }

    @Test
    void writeOrderPutsGlobalTensorsFirstThenLayersNumerically() {
        QuantizationPlan plan = QuantizationPlan.of(llama32_1b(), LLAMA_1B, QuantType.Q8_0);
        List<String> names = plan.tensors().stream().map(PlannedTensor::name).toList();
        assertThat(names.subList(0, 3)).containsExactly("output_norm.weight", "rope_freqs.weight", "token_embd.weight");
        assertThat(names.get(3)).isEqualTo("blk.0.attn_k.weight");
        assertThat(names.indexOf("blk.10.attn_k.weight")).isGreaterThan(names.indexOf("blk.9.ffn_up.weight"));
    }

    @Test
    void oneDimensionalAndNonWeightTensorsAreNeverQuantized() {
        assertThat(QuantizationPlan.allowsQuantization("blk.0.attn_q.weight", new long[] {256, 1})).isFalse();
        assertThat(QuantizationPlan.allowsQuantization("blk.0.attn_q.bias", new long[] {256, 256})).isFalse();
        assertThat(QuantizationPlan.allowsQuantization("blk.0.ffn_gate_inp.weight", new long[] {256, 8})).isFalse();
        assertThat(QuantizationPlan.allowsQuantization("position_embd.weight", new long[] {256, 1024})).isFalse();
        assertThat(QuantizationPlan.allowsQuantization("blk.0.ffn_gate_exps.weight", new long[] {256, 512, 4})).isTrue();
    }

    @Test
    void seventyBLlamaGivesQ5KToAttnVThatWouldBeQ4K() {
        ModelHparams hp = new ModelHparams("llama", 80, 0, 64, 8);
        List<QuantizationPlan.Source> l = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            l.add(t("blk." + i + ".attn_v.weight", F16, 8192, 1024));
        }
        QuantizationPlan plan = QuantizationPlan.of(l, hp, QuantType.Q4_K_M);
        assertThat(plan.typeOf("blk.0.attn_v.weight")).isEqualTo(Q6_K);  // more bits
        assertThat(plan.typeOf("blk.10.attn_v.weight")).isEqualTo(Q5_K); // not more bits: Q4_K -> Q5_K
    }

    @Test
    void llama70bQ4KMHas81Q6KAnd40Q5KTensors() {
        // 80 layers: use_more_bits holds for 0..9, 70..79 and the 20 layers 12, 15, .., 69: 40 in all.
        // Q6_K: output + 40 attn_v + 40 ffn_down = 81; Q5_K: the other 40 attn_v (70B rule). Matches the
        // Meta-Llama-3.1-70B snapshot llama.cpp keeps in tests/snapshots.
        ModelHparams hp = new ModelHparams("llama", 80, 0, 64, 8);
        List<QuantizationPlan.Source> l = new ArrayList<>();
        l.add(t("token_embd.weight", F16, 8192, 128256));
        l.add(t("output.weight", F16, 8192, 128256));
        for (int i = 0; i < 80; i++) {
            String b = "blk." + i + ".";
            l.add(t(b + "attn_q.weight", F16, 8192, 8192));
            l.add(t(b + "attn_k.weight", F16, 8192, 1024));
            l.add(t(b + "attn_v.weight", F16, 8192, 1024));
            l.add(t(b + "attn_output.weight", F16, 8192, 8192));
            l.add(t(b + "ffn_gate.weight", F16, 8192, 28672));
            l.add(t(b + "ffn_up.weight", F16, 8192, 28672));
            l.add(t(b + "ffn_down.weight", F16, 28672, 8192));
        }
        QuantizationPlan plan = QuantizationPlan.of(l, hp, QuantType.Q4_K_M);
        assertThat(plan.tensors().stream().filter(p -> p.to() == Q6_K).count()).isEqualTo(81);
        assertThat(plan.tensors().stream().filter(p -> p.to() == Q5_K).count()).isEqualTo(40);
        assertThat(plan.typeOf("blk.12.ffn_down.weight")).isEqualTo(Q6_K);
        assertThat(plan.typeOf("blk.13.ffn_down.weight")).isEqualTo(Q4_K);
    }

    @Test
    void moeTensorOutsideABlockIsRejected() {
        List<QuantizationPlan.Source> l = List.of(t("ffn_down_exps.weight", F16, 256, 256, 8));
        assertThatThrownBy(() -> QuantizationPlan.of(l, MIXTRAL, QuantType.Q4_K_M))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer");
    }

    @Test
    void typeNamesParseAndUnknownOnesListTheValidOnes() {
        assertThat(QuantType.parse("Q4_K_M")).isEqualTo(QuantType.Q4_K_M);
        assertThat(QuantType.Q4_K_M.llamaFtype()).isEqualTo(15);
        assertThatThrownBy(() -> QuantType.parse("q3_k"))
                .hasMessageContaining("q8_0, q4_0, q4_k_m, q5_k_m, q6_k");
    }
}
