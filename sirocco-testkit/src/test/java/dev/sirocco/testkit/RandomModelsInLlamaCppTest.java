package dev.sirocco.testkit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first differential smoke test: llama.cpp loads the model every architecture preset writes, returns
 * logits of the vocabulary's length for every position, and its greedy continuation (one token at a time,
 * through its KV cache) agrees with its own logits for the whole sequence evaluated at once.
 */
class RandomModelsInLlamaCppTest {

    @TempDir
    static Path dir;

    static Stream<Arguments> presets() {
        return Stream.of(
                Arguments.of("llama", ModelSpec.tinyLlama()),
                Arguments.of("llama3", ModelSpec.tinyLlama3()),
                Arguments.of("mistral", ModelSpec.tinyMistral()),
                Arguments.of("mixtral", ModelSpec.tinyMixtral()),
                Arguments.of("qwen2", ModelSpec.tinyQwen2()),
                Arguments.of("qwen3", ModelSpec.tinyQwen3()),
                Arguments.of("gemma3", ModelSpec.tinyGemma3()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void llamaCppLoadsTheModelAndGreedyFollowsItsOwnLogits(String name, ModelSpec spec) {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        Path file = RandomModels.write(spec, dir.resolve(name + ".gguf"));
        int nVocab = spec.tokenizer().size();
        assertThat(oracle.info(file).nVocab()).isEqualTo(nVocab);

        int[] prompt = oracle.tokenize(file, "the people of the world", true, false);
        int steps = 6;
        GreedyResult greedy = oracle.greedy(file, prompt, steps, true);
        assertThat(greedy.tokens()).hasSize(steps);
        assertThat(greedy.logits()).hasNumberOfRows(steps);

        int[] all = Arrays.copyOf(prompt, prompt.length + steps - 1);
        System.arraycopy(greedy.tokens(), 0, all, prompt.length, steps - 1);
        float[][] logits = oracle.logits(file, all, true);
        assertThat(logits).hasNumberOfRows(all.length);
        for (float[] row : logits) {
            assertThat(row).hasSize(nVocab);
            for (float v : row) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
        // Random weights must give logits that spread (the specs aim at about 3): near-ties stay rare.
        assertThat(std(logits[prompt.length - 1])).isBetween(1.0, 10.0);
        for (int step = 0; step < steps; step++) {
            float[] batch = logits[prompt.length - 1 + step];
            float[] incremental = greedy.logits()[step];
            // Same numbers by two paths (one batch vs. token by token through the F32 KV cache): they differ only
            // by summation order inside llama.cpp's kernels (measured up to ~1.3e-3 with logits spread ~3).
            for (int t = 0; t < nVocab; t++) {
                assertThat(incremental[t]).as("%s step %d token %d", name, step, t).isCloseTo(batch[t], org.assertj.core.data.Offset.offset(5e-3f));
            }
            if (!greedy.isNearTie(step, 1e-2f)) {
                assertThat(argmax(batch)).as("%s step %d", name, step).isEqualTo(greedy.tokens()[step]);
            }
        }
    }

    // Every architecture's weights quantized (3-D expert stacks, biases and norms staying F32 included): llama.cpp's
    // logits match the F32 twin holding the same rounded weights up to its Q8_0 activation rounding (~2e-2 RMS).
    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void quantizedArchitecturesMatchTheirF32Twin(String name, ModelSpec spec) {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        ModelSpec q = spec.toBuilder().weightType(dev.sirocco.engine.tensor.GgmlType.Q4_0).build();
        Path file = RandomModels.write(q, dir.resolve(name + "-q4_0.gguf"));
        Path twin = RandomModels.writeAsF32(q, dir.resolve(name + "-q4_0-as-f32.gguf"));
        int[] tokens = oracle.tokenize(file, "how many words were said", true, false);
        float[][] a = oracle.logits(file, tokens, true);
        float[][] b = oracle.logits(twin, tokens, true);
        double rel = LogitDiff.of(a, b, 0).relativeRms();
        System.out.printf("%s Q4_0 vs its F32 twin: relative RMS %.4f%n", name, rel);
        assertThat(rel).isGreaterThan(0).isLessThan(0.05);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double std(float[] v) {
        double mean = 0, sq = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        for (float x : v) {
            sq += (x - mean) * (x - mean);
        }
        return Math.sqrt(sq / v.length);
    }
}
