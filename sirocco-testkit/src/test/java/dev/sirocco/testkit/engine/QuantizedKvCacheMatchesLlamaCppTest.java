package dev.sirocco.testkit.engine;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.GreedyResult;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.OracleSettings;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine with a q8_0 KV cache against llama.cpp with a Q8_0 K and V cache, which llama.cpp only runs with flash
 * attention on: the quantized-type criterion of {@link EngineMatchesLlamaCppTest} (last logits cosine >= 0.999 and
 * the same argmax; 32 greedy tokens identical up to a near-tie). Models with heads of 32 (one Q8_0 block), where the
 * last logits come out bit-identical to llama.cpp's. Known gap: with heads of 64 something in llama.cpp's path still
 * differs (by an ulp before a Q8_0 rounding: qwen3 F32 and llama3/qwen3 Q4_K at head dim 64 move the logits by
 * 1e-2 to 3e-2, cosine 0.9995-0.9999; head dim 96: 3.6e-7), so those are not held here yet.
 */
class QuantizedKvCacheMatchesLlamaCppTest {
    private static final int GREEDY_TOKENS = 32;
    private static final float NEAR_TIE = 1e-3f;
    private static final OracleSettings Q8_0_FLASH = new OracleSettings("Q8_0", true, List.of());

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0} {1} head dim {2}")
    @CsvSource({"qwen3, F32, 32", "gemma3, F32, 32", "mistral, Q4_K, 32", "llama3, F32, 32"})
    void q8_0CacheMatchesLlamaCppFlashAttention(String arch, GgmlType type, int hd) throws Exception {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        Path file = RandomModels.write(EngineMatchesLlamaCppTest.spec(arch, type).toBuilder()
                .headDim(hd).build(), dir.resolve(arch + "-" + type + hd + ".gguf"));
        int[] prompt = oracle.tokenize(file, "the people of the world made water", true, false);
        float[] expected = oracle.logits(file, prompt, false, Q8_0_FLASH)[0];
        GreedyResult reference = oracle.greedy(file, prompt, GREEDY_TOKENS, false, Q8_0_FLASH);

        EngineOptions opts = EngineOptions.defaults().withThreads(2).withKvType(KvCache.Type.Q8_0);
        try (Engine engine = Engine.load(file, opts)) {
            Session session = engine.newSession();
            float[] actual = session.evaluate(prompt).clone();
            LogitComparison cmp = LogitComparison.of(expected, actual);
            System.out.printf("%-8s %-5s q8_0 KV: max|diff|/max|logit| %.2e  cosine %.7f%n", arch, type, cmp.relativeMaxDiff(), cmp.cosine());
            assertThat(cmp.cosine()).as("cosine similarity").isGreaterThanOrEqualTo(0.999);
            assertThat(cmp.actualArgmax()).as("argmax").isEqualTo(cmp.expectedArgmax());

            int[] ours = new int[GREEDY_TOKENS];
            int next = LogitComparison.argmax(actual);
            for (int i = 0; i < GREEDY_TOKENS; i++) {
                ours[i] = next;
                if (i + 1 < GREEDY_TOKENS) {
                    next = LogitComparison.argmax(session.evaluate(new int[]{next}));
                }
            }
            int diverged = reference.firstDivergence(ours);
            if (diverged >= 0 && reference.isNearTie(diverged, NEAR_TIE)) {
                System.out.printf("%-8s %-5s q8_0 KV: near-tie at greedy step %d (gap %.2e)%n", arch, type, diverged, reference.gaps()[diverged]);
                return;
            }
            assertThat(diverged).as("first greedy step that differs from llama.cpp (gap there: %s)",
                    diverged >= 0 ? reference.gaps()[diverged] : "n/a").isEqualTo(-1);
        }
    }
}
