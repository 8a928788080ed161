package dev.sirocco.testkit.engine;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.GreedyResult;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against llama.cpp, for every architecture and every weight type: random-weight models from
 * our writer, run by both with an F32 KV cache (and llama.cpp's flash attention off).
 *
 * <p>Tolerances (the issue's): F32/F16/BF16 last-position logits within 1e-3 x max|logit|; quantized types
 * cosine >= 0.999 and the same argmax. We round activations as llama.cpp does (Q8_0/Q8_1/Q8_K blocks,
 * F16/BF16) so the remaining differences are summation order only. 32 greedy tokens must be identical;
 * a first difference where llama.cpp's top-2 gap is under 1e-3 is a near-tie, reported and not a failure.
 *
 * <p>Exact agreement needs the same float roundings as llama.cpp, not just the same formulas: an ulp of
 * difference before an activation is rounded to Q8 can flip one rounding and move the logits by ~1e-2.
 * Hence the engine mirrors ggml's compiled float code (sqrtf in RMS norm, fused multiply-adds in RoPE and
 * in the GELU table), and the oracle runs llama.cpp's portable AVX2 + FMA CPU variant ({@code haswell})
 * rather than the best for the machine (AMX and AVX-512 kernels round differently); see PinnedCpuVariant.
 */
class EngineMatchesLlamaCppTest {
    private static final int GREEDY_TOKENS = 32;
    private static final float NEAR_TIE = 1e-3f;

    @TempDir
    static Path dir;

    static final Map<String, Supplier<ModelSpec>> ARCHITECTURES = Map.of(
            "llama", ModelSpec::tinyLlama,
            "llama3", ModelSpec::tinyLlama3,
            "mistral", ModelSpec::tinyMistral,
            "mixtral", ModelSpec::tinyMixtral,
            "qwen2", ModelSpec::tinyQwen2,
            "qwen3", ModelSpec::tinyQwen3,
            "gemma3", ModelSpec::tinyGemma3);

    /**
     * Cases that still differ from llama.cpp beyond the tolerances, each by the mechanism above: one
     * float-order difference flips one activation rounding and the tiny random model amplifies it. The float
     * operations (attention, softmax, SwiGLU, norms, RoPE), the F32/F16/BF16, Q2_K, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1
     * and Q4_K matmuls
     * (for the Q4_0/Q4_K weights llama.cpp repacks, its 8x8 gemm/gemv order: RepackedWeights) follow llama.cpp's
     * AVX2 arithmetic exactly; the other quantized dots still sum in ggml's generic order, not its AVX2 vec_dot
     * order (~1e-7 relative apart). Entries are held to the quantized-type criterion (cosine >= 0.999, same argmax) and
     * must still diverge: once one agrees fully the test fails, asking to remove it, so this list stays true.
     * Empty since the repacked order closed issue #2's last case (qwen3 Q4_K).
     */
    static final Map<String, String> KNOWN_DIVERGENCES = Map.of();

    static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K};

    /**
     * The cases, all by default; {@code -Dsirocco.engineCases=REGEX} keeps those whose "arch type" name
     * matches (e.g. {@code "gemma3 .*"} or {@code "llama3 Q5_K|qwen3 Q4_K"}) to measure a few quickly.
     */
    static Stream<Arguments> cases() {
        Pattern only = Pattern.compile(System.getProperty("sirocco.engineCases", ".*"));
        List<Arguments> all = new ArrayList<>();
        for (String arch : List.of("llama", "llama3", "mistral", "mixtral", "qwen2", "qwen3", "gemma3")) {
            for (GgmlType type : TYPES) {
                if (only.matcher(arch + " " + type).matches()) {
                    all.add(Arguments.of(arch, type));
                }
            }
        }
        return all.stream();
    }

    /** The preset, widened where needed so every weight row is a whole number of 256-element K-quant blocks. */
    static ModelSpec spec(String arch, GgmlType type) {
        ModelSpec base = ARCHITECTURES.get(arch).get();
        ModelSpec.Builder b = base.toBuilder().weightType(type);
        if (type.blockSize() == 256) {
            int heads = base.heads();
            b.dim(256).ffn(512).headDim(256 / heads);
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void logitsAndGreedyTokensMatchLlamaCpp(String arch, GgmlType type) throws Exception {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        Path file = RandomModels.write(spec(arch, type), dir.resolve(arch + "-" + type + ".gguf"));
        int[] prompt = oracle.tokenize(file, "the people of the world made water", true, false);
        float[] expected = oracle.lastLogits(file, prompt);
        GreedyResult reference = oracle.greedy(file, prompt, GREEDY_TOKENS);

        EngineOptions opts = EngineOptions.defaults().withThreads(2).withKvType(KvCache.Type.F32);
        try (Engine engine = Engine.load(file, opts)) {
            Session session = engine.newSession();
            float[] actual = session.evaluate(prompt).clone();
            assertThat(actual).hasSameSizeAs(expected);
            LogitComparison cmp = LogitComparison.of(expected, actual);
            System.out.printf("%-8s %-5s max|diff|/max|logit| %.2e  cosine %.7f%n", arch, type, cmp.relativeMaxDiff(), cmp.cosine());
            String known = KNOWN_DIVERGENCES.get(arch + " " + type);
            boolean exactType = type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16;
            if (exactType && known == null) {
                assertThat(cmp.relativeMaxDiff()).as("max |diff| / max |logit|").isLessThanOrEqualTo(1e-3);
            } else {
                assertThat(cmp.cosine()).as("cosine similarity").isGreaterThanOrEqualTo(0.999);
                assertThat(cmp.actualArgmax()).as("argmax").isEqualTo(cmp.expectedArgmax());
            }

            int[] ours = new int[GREEDY_TOKENS];
            int next = LogitComparison.argmax(actual);
            for (int i = 0; i < GREEDY_TOKENS; i++) {
                ours[i] = next;
                if (i + 1 < GREEDY_TOKENS) {
                    next = LogitComparison.argmax(session.evaluate(new int[]{next}));
                }
            }
            int diverged = reference.firstDivergence(ours);
            if (known != null) {
                boolean logitsWithin = !exactType || cmp.relativeMaxDiff() <= 1e-3;
                boolean greedyAgrees = diverged < 0 || reference.isNearTie(diverged, NEAR_TIE);
                System.out.printf("%-8s %-5s KNOWN DIVERGENCE (%s): greedy first differs at step %d%n", arch, type, known, diverged);
                assertThat(logitsWithin && greedyAgrees)
                        .as("%s %s now agrees with llama.cpp: remove it from KNOWN_DIVERGENCES", arch, type).isFalse();
                return;
            }
            if (diverged >= 0 && reference.isNearTie(diverged, NEAR_TIE)) {
                System.out.printf("%-8s %-5s near-tie at greedy step %d (llama.cpp top-2 gap %.2e): not a failure%n",
                        arch, type, diverged, reference.gaps()[diverged]);
                return;
            }
            assertThat(diverged).as("first greedy step that differs from llama.cpp (gap there: %s)",
                    diverged >= 0 ? reference.gaps()[diverged] : "n/a").isEqualTo(-1);
        }
    }
}
