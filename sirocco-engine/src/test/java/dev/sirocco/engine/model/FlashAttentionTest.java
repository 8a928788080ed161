package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.Codecs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FlashAttentionTest {

    private static ModelConfig config(int headDim) {
        return new ModelConfig(Architecture.LLAMA, 128, 1, 4, 2, headDim, headDim, 256, 64, 1e-5f, 10000f, 1f, headDim,
                10000f, 0, new boolean[1], 0, 0, (float) (1 / Math.sqrt(headDim)), 0f);
    }

    /** The Q8_0 rounding of {@code n} values, dequantized back (the values the cache really holds). */
    private static float[] roundedQ8(float[] x, int off, int n) {
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(GgmlType.Q8_0.bytesFor(n))]);
        ActivationQuantizer.q8_0(x, off, n, seg, 0);
        float[] out = new float[n];
        Codecs.of(GgmlType.Q8_0).dequantize(seg, 0, out, 0, n);
        return out;
    }

    @Test
    void q8_0CacheRefusesHeadsThatAreNotWholeBlocks() {
        assertThatThrownBy(() -> new KvCache(config(16), 8, KvCache.Type.Q8_0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("q8_0").hasMessageContaining("16").hasMessageContaining("--kv-type f16");
    }

    @Test
    void q8_0CacheTakesAboutAQuarterOfF32() {
        ModelConfig c = config(64);
        long f32 = new KvCache(c, 100, KvCache.Type.F32).byteSize();
        long q8 = new KvCache(c, 100, KvCache.Type.Q8_0).byteSize();
        assertThat(q8).isEqualTo(f32 / 4 * 34 / 32);
    }

    /**
     * The online softmax over the Q8_0 cache equals plain softmax attention, computed in double over the rounded
     * keys, values and query, to float precision: the algorithm is right, whatever its float order.
     */
    @Test
    void attentionEqualsSoftmaxOverTheRoundedCache() {
        int hd = 64;
        ModelConfig c = config(hd);
        int positions = 11;
        KvCache cache = new KvCache(c, 16, KvCache.Type.Q8_0);
        Random r = new Random(3);
        float[][] keys = new float[positions][c.kvDim()];
        float[][] values = new float[positions][c.vDim()];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < c.kvDim(); i++) {
                keys[p][i] = (float) r.nextGaussian() * 2f;
                values[p][i] = (float) r.nextGaussian();
            }
            cache.put(0, p, keys[p], 0, values[p], 0);
        }
        float[] q = new float[hd];
        for (int i = 0; i < hd; i++) {
            q[i] = (float) r.nextGaussian();
        }
        int kvHead = 1;
        int lo = 2;
        int hi = 9;
        float scale = c.attentionScale();
        float[] out = new float[hd];
        new FlashAttention(hd, hd).attend(cache, 0, kvHead, q, 0, scale, lo, hi, out, 0);

        float[] qr = roundedQ8(q, 0, hd);
        double[] w = new double[hi - lo + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = lo; p <= hi; p++) {
            float[] k = roundedQ8(keys[p], kvHead * hd, hd);
            double s = 0;
            for (int i = 0; i < hd; i++) {
                s += (double) k[i] * qr[i];
            }
            w[p - lo] = s * scale;
            max = Math.max(max, w[p - lo]);
        }
        double sum = 0;
        for (int j = 0; j < w.length; j++) {
            w[j] = Math.exp(w[j] - max);
            sum += w[j];
        }
        for (int i = 0; i < hd; i++) {
            double expected = 0;
            for (int p = lo; p <= hi; p++) {
                expected += w[p - lo] / sum * roundedQ8(values[p], kvHead * hd, hd)[i];
            }
            assertThat((double) out[i]).as("output %d", i).isCloseTo(expected, within(1e-5));
        }
    }
}
