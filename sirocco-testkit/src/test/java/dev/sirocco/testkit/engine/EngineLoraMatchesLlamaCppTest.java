package dev.sirocco.testkit.engine;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.model.UnsupportedModelException;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.OracleSettings;
import dev.sirocco.testkit.RandomLora;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine with a LoRA adapter applied against llama.cpp with the same adapter: random-weight bases and
 * random adapters from our writer. Tolerances as in {@link EngineMatchesLlamaCppTest}: an F32/F16 base within
 * 1e-3 x max|logit| at every position; a quantized base cosine >= 0.999 and the same argmax.
 */
class EngineLoraMatchesLlamaCppTest {
    static final List<String> ALL = List.of("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down");

    @TempDir
    static Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("qwen3", GgmlType.F32, List.of("attn_q", "attn_v", "attn_output", "ffn_down"), 0.7f),
                Arguments.of("llama", GgmlType.F32, ALL, 1.0f),
                Arguments.of("llama", GgmlType.F16, List.of("attn_k", "ffn_gate", "ffn_up"), 1.5f),
                Arguments.of("qwen3", GgmlType.Q8_0, ALL, 1.0f));
    }

    @ParameterizedTest(name = "{0} {1} {2} x{3}")
    @MethodSource("cases")
    void logitsWithAdapterMatchLlamaCpp(String arch, GgmlType type, List<String> targets, float scale) throws Exception {
        ModelSpec spec = (arch.equals("qwen3") ? ModelSpec.tinyQwen3() : ModelSpec.tinyLlama()).toBuilder().weightType(type).build();
        String name = arch + "-" + type + "-" + targets.size();
        Path model = RandomModels.write(spec, dir.resolve(name + ".gguf"));
        Path adapter = new RandomLora(spec, targets, 4, 8f, 11).write(dir.resolve(name + "-lora.gguf"));
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        int[] prompt = oracle.tokenize(model, "the people of the world made water", true, false);
        float[][] expected = oracle.logits(model, prompt, true, OracleSettings.EXACT.withLora(adapter, scale));
        float[][] base = oracle.logits(model, prompt, true);

        EngineOptions opts = EngineOptions.defaults().withThreads(2).withKvType(KvCache.Type.F32)
                .withLora(new AppliedLora(adapter, scale));
        try (Engine engine = Engine.load(model, opts)) {
            float[] all = engine.newSession().evaluateAll(prompt);
            int vocab = engine.vocabSize();
            double worst = 0, worstCos = 1, moved = 0;
            for (int p = 0; p < prompt.length; p++) {
                float[] actual = java.util.Arrays.copyOfRange(all, p * vocab, (p + 1) * vocab);
                LogitComparison cmp = LogitComparison.of(expected[p], actual);
                worst = Math.max(worst, cmp.relativeMaxDiff());
                worstCos = Math.min(worstCos, cmp.cosine());
                moved = Math.max(moved, LogitComparison.of(base[p], expected[p]).relativeMaxDiff());
                if (type.isQuantized()) {
                    assertThat(cmp.actualArgmax()).as("argmax at position %d", p).isEqualTo(cmp.expectedArgmax());
                }
            }
            System.out.printf("LoRA %s: adapter moves llama.cpp's logits by %.3f of max; ours vs llama.cpp %.2e, cosine %.7f%n",
                    name, moved, worst, worstCos);
            assertThat(moved).as("the adapter changes the logits").isGreaterThan(0.05);
            if (type.isQuantized()) {
                assertThat(worstCos).isGreaterThanOrEqualTo(0.999);
            } else {
                assertThat(worst).as("max |diff| / max |logit|").isLessThanOrEqualTo(1e-3);
            }
        }
    }

    @Test
    void adapterForAnotherShapeIsRejectedNamingTheTensor() throws Exception {
        ModelSpec spec = ModelSpec.tinyLlama();
        Path model = RandomModels.write(spec, dir.resolve("llama-base.gguf"));
        ModelSpec wider = spec.toBuilder().ffn(96).build();
        Path adapter = new RandomLora(wider, List.of("ffn_up"), 2, 4f, 1).write(dir.resolve("wrong-lora.gguf"));
        EngineOptions opts = EngineOptions.defaults().withThreads(1).withLora(new AppliedLora(adapter, 1f));
        assertThatThrownBy(() -> Engine.load(model, opts).close())
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining(".ffn_up.weight").hasMessageContaining("wrong base model");
    }

    @Test
    void modelFileGivenAsAdapterIsRejected() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("llama-twice.gguf"));
        EngineOptions opts = EngineOptions.defaults().withThreads(1).withLora(AppliedLora.parse(model + ":0.5"));
        assertThatThrownBy(() -> Engine.load(model, opts).close())
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("general.type");
    }
}
