package dev.sirocco.testkit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** llama.cpp applies our LoRA adapter files as the merged weights W + s·B·A predict. */
class RandomLoraInLlamaCppTest {

    @TempDir
    static Path dir;
    static final ModelSpec BASE = ModelSpec.tinyQwen3();
    static final RandomLora LORA = new RandomLora(BASE, List.of("attn_q", "attn_v", "attn_output", "ffn_down"), 4, 8f, 7);
    static Path model;
    static Path adapter;
    static int[] tokens;

    @BeforeAll
    static void write() {
        model = RandomModels.write(BASE, dir.resolve("base.gguf"));
        adapter = LORA.write(dir.resolve("lora.gguf"));
        tokens = LlamaCppOracle.shared().tokenize(model, "what people made", true, false);
    }

    @Test
    void adapterTensorsPairWithTheirWeights() {
        assertThat(LORA.tensors()).hasSize(2 * 4 * BASE.layers());
        TensorPlan a = LORA.tensors().stream().filter(t -> t.name().equals("blk.1.attn_q.weight.lora_a")).findFirst().orElseThrow();
        TensorPlan b = LORA.tensors().stream().filter(t -> t.name().equals("blk.1.attn_q.weight.lora_b")).findFirst().orElseThrow();
        assertThat(a.shape()).containsExactly(64, 4);   // {in, rank}
        assertThat(b.shape()).containsExactly(4, 128);  // {rank, out}: qwen3 has 4 heads of 32
    }

    @Test
    void scaleZeroLeavesTheModelAsItWas() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        float[][] base = oracle.logits(model, tokens, true);
        float[][] zero = oracle.logits(model, tokens, true, OracleSettings.EXACT.withLora(adapter, 0f));
        assertThat(maxDiff(base, zero)).isLessThan(1e-5);
    }

    @Test
    void adapterEqualsTheMergedModel() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        float scale = 0.7f;
        float[][] withAdapter = oracle.logits(model, tokens, true, OracleSettings.EXACT.withLora(adapter, scale));
        float[][] merged = oracle.logits(LORA.writeMerged(scale, dir.resolve("merged.gguf")), tokens, true);
        float[][] base = oracle.logits(model, tokens, true);
        System.out.printf("LoRA: adapter vs base %.4f, adapter vs merged %.6f%n", maxDiff(withAdapter, base), maxDiff(withAdapter, merged));
        // logits spread ~3: the adapter moves them by O(1), merging only reorders sums
        assertThat(maxDiff(withAdapter, base)).isGreaterThan(0.1);
        assertThat(maxDiff(withAdapter, merged)).isLessThan(1e-3);
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double worst = 0;
        for (int p = 0; p < a.length; p++) {
            for (int t = 0; t < a[p].length; t++) {
                worst = Math.max(worst, Math.abs(a[p][t] - b[p][t]));
            }
        }
        return worst;
    }
}
