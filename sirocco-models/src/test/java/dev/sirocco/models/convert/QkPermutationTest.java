package dev.sirocco.models.convert;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Why the permutation is right, from the two RoPE definitions: Hugging Face's rotate_half RoPE on the original
 * rows must equal ggml's neighbour-pair RoPE on the permuted rows (then permuted back), for every head.
 */
class QkPermutationTest {

    @ParameterizedTest
    @CsvSource({"1, 8, 3", "4, 16, 17", "2, 64, 1000"})
    void ggmlRopeOnPermutedRowsEqualsHuggingFaceRope(int heads, int headDim, int position) {
        Random rnd = new Random(heads * 31L + headDim);
        int rows = heads * headDim;
        double[] q = new double[rows];
        for (int i = 0; i < rows; i++) {
            q[i] = rnd.nextGaussian();
        }
        double base = 10000;
        double[] hf = new double[rows];
        double[] permuted = new double[rows];
        for (int r = 0; r < rows; r++) {
            permuted[r] = q[(int) QkPermutation.sourceRow(r, rows, heads)];
        }
        double[] ggml = new double[rows];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int o = h * headDim;
            for (int i = 0; i < half; i++) {
                double theta = position * Math.pow(base, -2.0 * i / headDim);
                double c = Math.cos(theta);
                double s = Math.sin(theta);
                // transformers' apply_rotary_pos_emb: x * cos + rotate_half(x) * sin
                hf[o + i] = q[o + i] * c - q[o + i + half] * s;
                hf[o + i + half] = q[o + i + half] * c + q[o + i] * s;
                // ggml rope mode 0: pairs (2i, 2i + 1)
                ggml[o + 2 * i] = permuted[o + 2 * i] * c - permuted[o + 2 * i + 1] * s;
                ggml[o + 2 * i + 1] = permuted[o + 2 * i] * s + permuted[o + 2 * i + 1] * c;
            }
        }
        for (int r = 0; r < rows; r++) {
            assertThat(ggml[r]).isCloseTo(hf[(int) QkPermutation.sourceRow(r, rows, heads)], within(1e-12));
        }
    }

    @ParameterizedTest
    @CsvSource({"4, 8", "2, 6"})
    void permutationIsNumpysReshapeSwapaxes(int heads, int headDim) {
        // weights.reshape(n_head, 2, hd/2, ...).swapaxes(1, 2).reshape(...): new index (h, b, a) holds old (h, a, b)
        int rows = heads * headDim;
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < half; b++) {
                    int old = (h * 2 + a) * half + b;
                    int now = (h * half + b) * 2 + a;
                    assertThat(QkPermutation.sourceRow(now, rows, heads)).isEqualTo(old);
                }
            }
        }
    }
}
