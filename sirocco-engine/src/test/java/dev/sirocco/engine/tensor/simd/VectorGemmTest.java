package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.FloatGemm;
import dev.sirocco.engine.tensor.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tiled vector gemm against the scalar reference at awkward sizes, plain and transposed A, B and C as column
 * blocks of wider matrices, with and without accumulating.
 */
class VectorGemmTest {
    private static Parallel two;

    @BeforeAll
    static void pool() {
        two = new Parallel(2);
    }

    @AfterAll
    static void close() {
        two.close();
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 48, 16}, {5, 33, 31}, {37, 100, 65}, {64, 200, 129}, {33, 4096 + 32, 3}, {9, 50, 600}, {130, 97, 257}};
        for (int[] s : shapes) {
            for (boolean transposed : new boolean[]{false, true}) {
                for (boolean accumulate : new boolean[]{false, true}) {
                    out.add(Arguments.of(s[0], s[1], s[2], transposed, accumulate));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{2} . {2}x{1}, transposed A {3}, accumulate {4}")
    @MethodSource("shapes")
    void tiledGemmEqualsTheScalarReference(int rows, int n, int depth, boolean transposed, boolean accumulate) {
        SplittableRandom rnd = new SplittableRandom(rows * 31L + n * 7L + depth);
        int aOffset = 3;
        int bOffset = 5;
        int cOffset = 2;
        float[] a = random(aOffset + rows * depth, rnd);
        // B and C as column blocks of wider matrices (row strides n + 2 and n + 1)
        int bStride = n + 2;
        int cStride = n + 1;
        float[] b = random(bOffset + depth * bStride, rnd);
        float[] c0 = random(cOffset + rows * cStride + 1, rnd);
        // A (rows, depth) stored as is, or as its transpose (depth, rows) read through the strides
        int rowStride = transposed ? 1 : depth;
        int colStride = transposed ? rows : 1;
        float[] expected = c0.clone();
        FloatGemm.rows(0, rows, n, depth, a, aOffset, rowStride, colStride, b, bOffset, bStride, expected, cOffset, cStride, accumulate);
        float[] actual = c0.clone();
        new VectorKernels(two).gemm(rows, n, depth, a, aOffset, rowStride, colStride, b, bOffset, bStride, actual, cOffset, cStride, accumulate);
        for (int i = 0; i < actual.length; i++) {
            // the order of the sums differs (lanes, fused multiply-adds): allow float rounding that grows with depth
            float tolerance = 1e-6f * (depth + 1) * 4;
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @org.junit.jupiter.api.Test
    void anOperandTooShortForTheShapeIsRejectedBeforeAnyWrite() {
        float[] c = new float[6];
        assertThatThrownBy(() -> new VectorKernels(two, 256).gemm(2, 3, 4, new float[7], 0, 4, 1, new float[12], 0, 3, c, 0, 3, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (2, 4)");
        assertThat(c).containsOnly(0f);
    }

    private static float[] random(int size, SplittableRandom rnd) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
