package dev.sirocco.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RepackedWeightsTest {

    /** ggml_repack_get_optimal_repack_type on AVX2 without AVX-512: Q4_0 and Q4_K with a row count divisible by 8. */
    @Test
    void onlyQ4_0AndQ4_KWithRowsInEightsAreRepacked() {
        for (GgmlType t : GgmlType.values()) {
            boolean q4 = t == GgmlType.Q4_0 || t == GgmlType.Q4_K;
            assertThat(RepackedWeights.isRepacked(t, 4096)).as("%s, 4096 rows", t).isEqualTo(q4);
            assertThat(RepackedWeights.isRepacked(t, 151669)).as("%s, 151669 rows", t).isFalse();
        }
        assertThat(RepackedWeights.gemmDiffersFromGemv(GgmlType.Q4_K, 256)).isTrue();
        assertThat(RepackedWeights.gemmDiffersFromGemv(GgmlType.Q4_0, 256)).isFalse();
        assertThat(RepackedWeights.gemmDiffersFromGemv(GgmlType.Q4_K, 4)).isFalse();
    }

    /** forward_mul_mat: the first batch - batch % 4 rows go through gemm, four at a time; the rest through gemv. */
    @Test
    void gemmTakesTheWholeTilesOfFourAndGemvTheRest() {
        assertThat(IntStream.range(0, 9).filter(b -> RepackedWeights.inGemmTile(b, 9)).toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(IntStream.range(0, 3).filter(b -> RepackedWeights.inGemmTile(b, 3)).toArray()).isEmpty();
        assertThat(RepackedWeights.inGemmTile(0, 1)).isFalse();
        assertThat(IntStream.range(0, 4).allMatch(b -> RepackedWeights.inGemmTile(b, 4))).isTrue();
    }
}
