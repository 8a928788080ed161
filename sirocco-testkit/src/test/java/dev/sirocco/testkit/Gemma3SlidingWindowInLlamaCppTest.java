package dev.sirocco.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sliding window our gemma3 files declare is the one llama.cpp applies: with 2 local layers of window 4, a
 * token reaches at most 2 * (4 - 1) = 6 positions further, so changing token 1 leaves logits from position 8 on
 * untouched; without the window it changes them.
 */
class Gemma3SlidingWindowInLlamaCppTest {

    @TempDir
    Path dir;

    private static final int[] A = {1, 335, 629, 339, 335, 749, 400, 401, 402, 403, 404};
    private static final int[] B = {1, 336, 629, 339, 335, 749, 400, 401, 402, 403, 404};

    @Test
    void tokensBeyondTheWindowOfEveryLayerDoNotReachTheLogits() {
        ModelSpec spec = ModelSpec.tinyGemma3().toBuilder().layers(2).build(); // layers 0 and 1 are both local
        Path file = RandomModels.write(spec, dir.resolve("swa.gguf"));
        float[][] a = LlamaCppOracle.shared().logits(file, A, true);
        float[][] b = LlamaCppOracle.shared().logits(file, B, true);
        assertThat(maxDiff(a[2], b[2])).isGreaterThan(1e-3);
        assertThat(maxDiff(a[7], b[7])).as("position 7 is 6 away from position 1").isGreaterThan(1e-3);
        for (int p = 8; p < A.length; p++) {
            assertThat(maxDiff(a[p], b[p])).as("position %d", p).isLessThan(1e-6);
        }
    }

    @Test
    void withoutSlidingWindowEveryTokenReachesTheLogits() {
        ModelSpec spec = ModelSpec.tinyGemma3().toBuilder().layers(2).slidingWindow(0).build();
        Path file = RandomModels.write(spec, dir.resolve("full.gguf"));
        float[][] a = LlamaCppOracle.shared().logits(file, A, true);
        float[][] b = LlamaCppOracle.shared().logits(file, B, true);
        assertThat(maxDiff(a[A.length - 1], b[A.length - 1])).isGreaterThan(1e-3);
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int t = 0; t < a.length; t++) {
            worst = Math.max(worst, Math.abs(a[t] - b[t]));
        }
        return worst;
    }
}
