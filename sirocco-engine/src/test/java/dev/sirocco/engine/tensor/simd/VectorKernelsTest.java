package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.RepackedWeights;
import dev.sirocco.engine.tensor.ScalarKernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.Codecs;
import dev.sirocco.engine.tensor.quant.Quantizer;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VectorKernelsTest {
    private static final GgmlType[] ALL_WEIGHT_TYPES = {
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    private static Parallel one;
    private static Parallel two;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        two = new Parallel(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    /** 128, 256 and 512 bits where the hardware has them, and the preferred width. */
    static int[] widths() {
        int max = FloatVector.SPECIES_MAX.vectorBitSize();
        return Arrays.stream(new int[]{128, 256, 512, FloatVector.SPECIES_PREFERRED.vectorBitSize()})
                .filter(w -> w >= 128 && w <= max).distinct().toArray();
    }

    static Stream<Arguments> vectorShapes() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : ALL_WEIGHT_TYPES) {
            if (!VectorKernels.hasVectorKernel(t)) {
                continue;
            }
            int bs = t.blockSize();
            int[] cols = bs == 1 ? new int[]{1, 2, 3, 31, 33, 4097} : new int[]{bs, 2 * bs, 3 * bs, 4096 + bs};
            for (int c : cols) {
                // 8 and 24 rows: Q4_0/Q4_K weights llama.cpp repacks (RepackedWeights), with batch 5 = one gemm tile + one gemv row
                for (int rows : new int[]{1, 3, 8, 17, 24, 33}) {
                    for (int batch : new int[]{1, 2, 5}) {
                        if (c > 4096 && rows * batch > 34) {
                            continue; // keep the big rows cheap: up to 33 x 1, 17 x 2, 3 x 5
                        }
                        out.add(Arguments.of(t, rows, c, batch));
                    }
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> delegatedTypes() {
        return Arrays.stream(ALL_WEIGHT_TYPES).filter(t -> !VectorKernels.hasVectorKernel(t)).map(Arguments::of);
    }

    private static Tensor weights(GgmlType type, int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.5f;
        }
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(type.bytesFor((long) rows * cols))]);
        Quantizer.quantize(type, w, 0, w.length, seg, 0);
        return new Tensor("w", type, new long[]{cols, rows}, seg);
    }

    private static float[] activations(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * Every type reproduces the scalar twin bit for bit: quantized types the codec dot, F32/F16/BF16 llama.cpp's
     * lane orders (tinyBLAS for batches, vec_dot for one row) in {@code VectorFloatDots}.
     */
    @ParameterizedTest(name = "{0} rows {1} cols {2} batch {3}")
    @MethodSource("vectorShapes")
    void vectorMatmulEqualsScalarAtEveryWidth(GgmlType type, int rows, int cols, int batch) {
        long seed = type.id() * 1_000_003L + rows * 7919L + cols * 31L + batch;
        Tensor w = weights(type, rows, cols, seed);
        float[] x = activations(batch * cols, seed + 1);
        float[] expected = new float[batch * rows];
        new ScalarKernels(one).matmul(w, x, expected, batch);
        for (int bits : widths()) {
            for (Parallel p : new Parallel[]{one, two}) {
                float[] got = new float[batch * rows];
                new VectorKernels(p, bits).matmul(w, x, got, batch);
                for (int i = 0; i < got.length; i++) {
                    String what = String.format("%s width %d threads %d output %d (batch %d row %d)",
                            type, bits, p.threads(), i, i / rows, i % rows);
                    assertThat(Float.floatToRawIntBits(got[i])).as(what + ": %s vs %s", got[i], expected[i])
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
            }
        }
    }

    /**
     * Batches of four activation rows share one pass over each weight row (the tiled kernels), and weight rows
     * are copied in groups of about 64 KiB: with rows spanning several groups and a batch of two tiles plus a
     * remainder, every output must still be the scalar twin's float for the same batch. Quantized types also give
     * each activation row's float alone; F16 does not, by design: like llama.cpp it takes tinyBLAS lanes for a batch
     * and vec_dot lanes for one row.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void tiledBatchesOverSeveralRowGroupsGiveTheSingleRowFloats(GgmlType type) {
        int rows = 72;
        int cols = 16 * 256;
        int batch = 9;
        assertThat(type.bytesFor(cols) * rows).as("several 64 KiB row groups").isGreaterThan(2 * 65536L);
        Tensor w = weights(type, rows, cols, 99 + type.id());
        float[] x = activations(batch * cols, 100 + type.id());
        float[] expected = new float[batch * rows];
        new ScalarKernels(one).matmul(w, x, expected, batch);
        for (int bits : widths()) {
            for (Parallel p : new Parallel[]{one, two}) {
                VectorKernels k = new VectorKernels(p, bits);
                float[] got = new float[batch * rows];
                k.matmul(w, x, got, batch);
                for (int b = 0; b < batch; b++) {
                    float[] alone = new float[rows];
                    k.matmul(w, Arrays.copyOfRange(x, b * cols, (b + 1) * cols), alone, 1);
                    for (int r = 0; r < rows; r++) {
                        int i = b * rows + r;
                        String what = String.format("%s width %d threads %d batch row %d row %d", type, bits, p.threads(), b, r);
                        assertThat(Float.floatToRawIntBits(got[i])).as(what + " vs scalar").isEqualTo(Float.floatToRawIntBits(expected[i]));
                        // Repacked Q4_K takes the gemm order in tiles of four, the gemv order alone (as llama.cpp).
                        boolean tileOrder = type == GgmlType.Q4_K && RepackedWeights.inGemmTile(b, batch);
                        if (type.isQuantized() && !tileOrder) {
                            assertThat(Float.floatToRawIntBits(got[i])).as(what + " vs alone").isEqualTo(Float.floatToRawIntBits(alone[r]));
                        }
                    }
                }
            }
        }
    }

    /**
     * Prompt-sized batches go through the token-major tile kernels: a batch of 16 + 16 + 8 gemm rows and three gemv
     * rows spans a full tile, a partly filled one (idle lanes) and the gemv tail at every width, over rows in several
     * copy groups; every output must be the scalar twin's float.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q6_K", "Q8_0", "F16", "BF16", "F32"})
    void tokenMajorTilesGiveTheScalarFloats(GgmlType type) {
        int rows = tileTestRows(type);
        int cols = tileTestCols(type);
        int batch = 43;
        Tensor w = weights(type, rows, cols, 7 + type.id());
        float[] x = activations(batch * cols, 8 + type.id());
        float[] expected = new float[batch * rows];
        new ScalarKernels(one).matmul(w, x, expected, batch);
        for (int bits : widths()) {
            for (Parallel p : new Parallel[]{one, two}) {
                VectorKernels k = new VectorKernels(p, bits);
                assertThat(k.tokenTiled(type, RepackedWeights.isRepacked(type, rows), rows, cols, batch - batch % 4) || bits == 128).as("width %d uses the tiles", bits).isTrue();
                float[] got = new float[batch * rows];
                k.matmul(w, x, got, batch);
                for (int i = 0; i < got.length; i++) {
                    String what = String.format("%s width %d threads %d batch row %d row %d", type, bits, p.threads(), i / rows, i % rows);
                    assertThat(Float.floatToRawIntBits(got[i])).as(what + ": %s vs %s", got[i], expected[i])
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
            }
        }
    }

    /**
     * Q4_0/Q4_K are repacked (rows % 8 == 0); Q6_K and Q8_0 are not: 62 rows leave a last group of rows short of
     * four. Q4_0's and Q8_0's 43 blocks end in a short group of eight. F32/F16/BF16 (tinyBLAS needs rows % 4 == 0):
     * 1288 columns end in a short run of 256.
     */
    private static int tileTestRows(GgmlType type) {
        return type == GgmlType.Q4_K || type == GgmlType.Q4_0 || !type.isQuantized() ? 56 : 62;
    }

    private static int tileTestCols(GgmlType type) {
        return type == GgmlType.Q8_0 || type == GgmlType.Q4_0 ? 43 * 32 : type.isQuantized() ? 5 * 256 : 5 * 256 + 8;
    }

    static Stream<Arguments> smallTileShapes() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : new GgmlType[]{GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0}) {
            for (int bits : widths()) {
                if (bits > 128) {
                    int full = VectorDots.forBits(bits).tileTokens();
                    for (int tokens : bits == 512 ? new int[]{full / 2, full / 4} : new int[]{full / 2}) {
                        out.add(Arguments.of(t, bits, tokens));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * The small tiles (one float vector of rows, or at 512 bits one 256-bit vector), for server batches of 4 to 16
     * rows: a batch of 43 rows fills several and leaves one partly idle, and batches of 4 to 24 rows with the tile
     * size chosen by batch take each shape (Q6_K's 24 rows: two one-vector tiles); every output must be the scalar
     * twin's float.
     */
    @ParameterizedTest(name = "{0} width {1} tiles of {2}")
    @MethodSource("smallTileShapes")
    void smallTilesGiveTheScalarFloats(GgmlType type, int bits, int tokens) {
        int rows = tileTestRows(type);
        int cols = tileTestCols(type);
        Tensor w = weights(type, rows, cols, 17 + type.id());
        for (int batch : new int[]{43, 24, 15, 9, 7, 4}) {
            float[] x = activations(batch * cols, 18 + type.id() + batch);
            float[] expected = new float[batch * rows];
            new ScalarKernels(one).matmul(w, x, expected, batch);
            int forced = batch == 43 ? tokens : 0;
            VectorKernels k = new VectorKernels(two, bits, 4, forced);
            int gemmRows = RepackedWeights.isRepacked(type, rows) ? batch - batch % 4 : batch;
            assertThat(k.tokenTiled(type, RepackedWeights.isRepacked(type, rows), rows, cols, gemmRows)).as("batch %d uses the tiles", batch).isTrue();
            float[] got = new float[batch * rows];
            k.matmul(w, x, got, batch);
            for (int i = 0; i < got.length; i++) {
                String what = String.format("%s width %d tiles of %d batch %d: row %d of batch, row %d", type, bits,
                        k.tileTokens(type, gemmRows), batch, i / rows, i % rows);
                assertThat(Float.floatToRawIntBits(got[i])).as(what + ": %s vs %s", got[i], expected[i])
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }

    /**
     * An engine whose decode batches fill most of half a tile (a server's --parallel over a quarter tile, up to half)
     * takes half tiles for every quantized batch from four rows, prompts included, so one tile kernel per type runs
     * in the JVM; with fewer sequences or more, repacked Q4_0/Q4_K keep full tiles for full batches. Its products
     * stay the scalar twin's floats.
     */
    @Test
    void anEngineOfFewSequencesTakesHalfTilesForEveryBatch() {
        for (int bits : widths()) {
            int full = VectorDots.forBits(bits).tileTokens();
            for (GgmlType type : new GgmlType[]{GgmlType.Q4_K, GgmlType.Q4_0, GgmlType.Q6_K, GgmlType.Q8_0}) {
                VectorKernels few = new VectorKernels(one, bits, 0, 0, full / 2);
                assertThat(few.tileTokens(type, full)).as("%s at %d bits, a full batch", type, bits).isEqualTo(full / 2);
                assertThat(few.tileTokens(type, 8 * full)).as("%s at %d bits, a long prompt", type, bits).isEqualTo(full / 2);
                assertThat(few.minTileRows(type)).as("%s at %d bits", type, bits).isEqualTo(4);
            }
            for (int sequences : new int[]{1, full / 4, full / 2 + 1, 64}) {
                for (GgmlType type : new GgmlType[]{GgmlType.Q4_K, GgmlType.Q4_0}) {
                    assertThat(new VectorKernels(one, bits, 0, 0, sequences).tileTokens(type, full))
                            .as("%s at %d bits, %d sequences", type, bits, sequences).isEqualTo(full);
                }
            }
        }
        int rows = tileTestRows(GgmlType.Q4_K);
        int cols = tileTestCols(GgmlType.Q4_K);
        int batch = 43;
        Tensor w = weights(GgmlType.Q4_K, rows, cols, 31);
        float[] x = activations(batch * cols, 32);
        float[] expected = new float[batch * rows];
        new ScalarKernels(one).matmul(w, x, expected, batch);
        for (int bits : widths()) {
            float[] got = new float[batch * rows];
            new VectorKernels(two, bits, 0, 0, VectorDots.forBits(bits).tileTokens() / 2).matmul(w, x, got, batch);
            for (int i = 0; i < got.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("width %d batch row %d row %d", bits, i / rows, i % rows)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }

    @Test
    void aTileSizeThatNoKernelHasIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> new VectorKernels(one, 256, 16, 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tile of 12 rows").hasMessageContaining("16, 8");
    }

    @Test
    void plainTypesMatchScalarBitForBitOnEveryOutput() {
        int rows = 64;
        int cols = 4096;
        int same = 0;
        int total = 0;
        for (GgmlType type : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            Tensor w = weights(type, rows, cols, 7 + type.id());
            float[] x = activations(cols, 8 + type.id());
            float[] expected = new float[rows];
            new ScalarKernels(one).matmul(w, x, expected, 1);
            for (int bits : widths()) {
                float[] got = new float[rows];
                new VectorKernels(one, bits).matmul(w, x, got, 1);
                for (int i = 0; i < rows; i++) {
                    total++;
                    same += Float.floatToRawIntBits(got[i]) == Float.floatToRawIntBits(expected[i]) ? 1 : 0;
                }
            }
        }
        assertThat(same).as("bit-identical outputs of %d", total).isEqualTo(total);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("delegatedTypes")
    void typesWithoutAVectorKernelGiveExactlyTheScalarResult(GgmlType type) {
        int cols = 2 * type.blockSize();
        Tensor w = weights(type, 5, cols, 42 + type.id());
        float[] x = activations(3 * cols, 43);
        float[] expected = new float[15];
        float[] got = new float[15];
        new ScalarKernels(one).matmul(w, x, expected, 3);
        new VectorKernels(two).matmul(w, x, got, 3);
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void everyFiniteHalfWeightDecodesExactly() {
        // Every F16 bit pattern as a weight, dotted with a one-hot activation row: finite rows must give the
        // exact float (one non-zero product); the rows of infinities and NaNs give NaN (inf * 0).
        int cols = 64;
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        Tensor w = new Tensor("w", GgmlType.F16, new long[]{cols, 65536 / cols}, MemorySegment.ofArray(all));
        for (int bits : widths()) {
            VectorKernels k = new VectorKernels(one, bits);
            for (int col : new int[]{0, 5, 63}) {
                float[] x = new float[cols];
                x[col] = 1f;
                float[] out = new float[1024];
                k.matmul(w, x, out, 1);
                for (int r = 0; r < 1024; r++) {
                    if ((all[r * cols] & 0x7c00) == 0x7c00) {
                        assertThat(out[r]).as("special row %d at width %d", r, bits).isNaN();
                    } else {
                        // primitive ==: the sum of -0 with +0 products is +0, which equals -0
                        assertThat(out[r]).as("half %04x at width %d", r * cols + col, bits)
                                .isEqualTo(Float.float16ToFloat(all[r * cols + col]));
                    }
                }
            }
        }
    }

    @Test
    void halfInfinitiesAndNaNsKeepTheirMeaning() {
        int cols = 64;
        short[] w16 = new short[3 * cols];
        w16[0] = (short) 0x7c00; // +inf
        w16[cols] = (short) 0xfc00; // -inf
        w16[2 * cols] = (short) 0x7e01; // NaN
        Tensor w = new Tensor("w", GgmlType.F16, new long[]{cols, 3}, MemorySegment.ofArray(w16));
        float[] x = new float[cols];
        Arrays.fill(x, 1f);
        for (int bits : widths()) {
            float[] out = new float[3];
            new VectorKernels(one, bits).matmul(w, x, out, 1);
            assertThat(out).as("width %d", bits).containsExactly(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN);
        }
    }

    @Test
    void widthsBelow128BitsAreRefused() {
        assertThatThrownBy(() -> new VectorKernels(one, 64)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tooShortActivationsAreRejected() {
        Tensor w = weights(GgmlType.Q8_0, 2, 32, 1);
        assertThatThrownBy(() -> new VectorKernels(one).matmul(w, new float[31], new float[2], 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
