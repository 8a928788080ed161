package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weights stored in F16, BF16 and the block formats: llama.cpp reads back exactly what we meant to store.
 * The typed file is compared with an F32 file holding the same rounded weights ({@link RandomModels#writeAsF32}),
 * so the only difference left is llama.cpp rounding the activations to the weights' companion format; a wrongly
 * encoded block (bad scale, nibble order, sign) would make llama.cpp see different weights and the logits part.
 */
class RandomModelTypesInLlamaCppTest {

    @TempDir
    static Path dir;
    static final ModelSpec SPEC = ModelSpec.tinyLlama();
    // K-quants need rows of a multiple of 256 elements
    static final ModelSpec K_SPEC = ModelSpec.builder("llama").dim(256).heads(4).kvHeads(2).ffn(512).build();
    static int[] tokens;
    static float[][] unrounded;
    static float[][] unroundedK;

    @BeforeAll
    static void referenceLogits() {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        Path file = RandomModels.write(SPEC, dir.resolve("f32.gguf"));
        tokens = oracle.tokenize(file, "how many people made the water", true, false);
        unrounded = oracle.logits(file, tokens, true);
        unroundedK = oracle.logits(RandomModels.write(K_SPEC, dir.resolve("f32-256.gguf")), tokens, true);
    }

    // Bounds on the RMS logit difference over the logits' standard deviation, about twice what was measured.
    // sameWeights: the typed file vs. F32 holding its rounded weights, so activation rounding only (measured:
    // F16 2e-4, BF16 5e-3, the 8-bit activation blocks Q8_0/Q8_1 1.7-2.0e-2, Q8_K 2.2-2.7e-2); a misencoded
    // format lands near 1. unrounded: vs. the original F32 weights, weight rounding included (measured: F16 8e-4,
    // BF16 8e-3, Q8_0 3e-2, Q5 0.13-0.16, Q4 0.30-0.32, Q6_K 0.07, Q5_K 0.13, Q4_K 0.27, Q3_K 0.56, Q2_K 0.91).
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16, 0.001, 0.002", "BF16, 0.015, 0.02", "Q8_0, 0.04, 0.06", "Q5_0, 0.04, 0.3", "Q5_1, 0.04, 0.3",
            "Q4_0, 0.04, 0.6", "Q4_1, 0.04, 0.6",
            "Q6_K, 0.05, 0.15", "Q5_K, 0.05, 0.3", "Q4_K, 0.05, 0.6", "Q3_K, 0.05, 1.2", "Q2_K, 0.05, 1.8"})
    void llamaCppSeesTheWeightsWeStored(GgmlType type, double sameWeights, double vsUnrounded) {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        boolean k = type.blockSize() == 256;
        ModelSpec spec = (k ? K_SPEC : SPEC).toBuilder().weightType(type).build();
        float[][] unrounded = k ? unroundedK : RandomModelTypesInLlamaCppTest.unrounded;
        float[][] typed = oracle.logits(RandomModels.write(spec, dir.resolve(type + ".gguf")), tokens, true);
        float[][] f32 = oracle.logits(RandomModels.writeAsF32(spec, dir.resolve(type + "-as-f32.gguf")), tokens, true);
        double vsSame = LogitDiff.of(typed, f32, 0).relativeRms();
        double vsOriginal = LogitDiff.of(typed, unrounded, 0).relativeRms();
        System.out.printf("%s relative RMS logit difference: vs same weights in F32 %.5f, vs unrounded weights %.5f%n",
                type, vsSame, vsOriginal);
        assertThat(vsSame).isLessThan(sameWeights);
        assertThat(vsOriginal).isLessThan(vsUnrounded).isGreaterThan(vsSame);
    }
}
