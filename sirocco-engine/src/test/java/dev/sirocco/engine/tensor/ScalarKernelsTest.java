package dev.sirocco.engine.tensor;

import dev.sirocco.engine.tensor.quant.ActivationQuantizer;
import dev.sirocco.engine.tensor.quant.Codecs;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.engine.tensor.quant.Quantizer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalarKernelsTest {
    private static final GgmlType[] WEIGHT_TYPES = {
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    private static final java.lang.foreign.ValueLayout.OfShort LE_SHORT =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private static Parallel one;
    private static Parallel three;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        three = new Parallel(3);
    }

    @AfterAll
    static void closePools() {
        one.close();
        three.close();
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : WEIGHT_TYPES) {
            if (!Quantizer.canQuantizeTo(t)) {
                continue;
            }
            for (int cols : new int[]{32, 256, 4096 + 256}) {
                if (cols % t.blockSize() != 0) {
                    continue;
                }
                for (int rows : new int[]{1, 3, 17}) {
                    for (int batch : new int[]{1, 5}) {
                        if (cols > 256 && rows * batch > 17) {
                            continue; // keep the big shape cheap: rows 17 x batch 1, rows 3 x batch 5
                        }
                        out.add(Arguments.of(t, rows, cols, batch));
                    }
                }
            }
        }
        return out.stream();
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

    /** How far one activation can move when rounded to {@code act}: half a step of its block, or the relative rounding of a float format. */
    private static float[] roundingBound(GgmlType act, float[] x, int off, int cols) {
        float[] bound = new float[cols];
        int bs = act.blockSize();
        for (int b = 0; b < cols; b += bs) {
            float amax = 0;
            for (int j = 0; j < bs; j++) {
                amax = Math.max(amax, Math.abs(x[off + b + j]));
            }
            for (int j = 0; j < bs; j++) {
                float v = Math.abs(x[off + b + j]);
                bound[b + j] = switch (act) {
                    case F32 -> 0f;
                    case F16 -> v * 0x1p-11f;
                    case BF16 -> v * 0x1p-8f;
                    // half a step of d = amax/127, plus the f16 rounding of d over up to 127 steps
                    case Q8_0, Q8_1 -> amax / 127f * (0.5f + 127f * 0x1p-11f);
                    default -> amax / 127f * 0.5f;
                };
            }
        }
        return bound;
    }

    /**
     * Each output against two references computed here in double: (1) the dequantized weights times the
     * original activations, within the error that rounding the activations can cause; (2) the dequantized
     * weights times the dequantized rounded activations, within float summation error: this pins the
     * integer dot products.
     */
    @ParameterizedTest(name = "{0} rows={1} cols={2} batch={3}")
    @MethodSource("shapes")
    void matmulMatchesFloatReferences(GgmlType type, int rows, int cols, int batch) {
        Tensor w = weights(type, rows, cols, 31L * rows + cols);
        float[] x = activations(batch * cols, 17L * batch + cols);
        float[] out = new float[batch * rows];
        new ScalarKernels(three).matmul(w, x, out, batch);

        GgmlType act = Codecs.of(type).vecDotType();
        MemorySegment xq = MemorySegment.ofArray(new byte[Math.toIntExact(act.bytesFor(cols))]);
        float[] xr = new float[cols];
        float[][] wRows = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            new ScalarKernels(one).dequantizeRow(w, r, wRows[r], 0);
        }
        for (int b = 0; b < batch; b++) {
            float[] bound = roundingBound(act, x, b * cols, cols);
            ActivationQuantizer.quantize(act, x, b * cols, cols, xq, 0);
            Dequantizer.dequantize(act, xq, 0, xr, 0, cols);
            for (int r = 0; r < rows; r++) {
                float[] wRow = wRows[r];
                double ref = 0;
                double tol = 0;
                double mag = 0;
                double refRounded = 0;
                double magRounded = 0;
                for (int k = 0; k < cols; k++) {
                    ref += (double) wRow[k] * x[b * cols + k];
                    tol += Math.abs(wRow[k]) * bound[k];
                    mag += Math.abs((double) wRow[k] * x[b * cols + k]);
                    refRounded += (double) wRow[k] * xr[k];
                    magRounded += Math.abs((double) wRow[k] * xr[k]);
                }
                tol = tol * 1.01 + mag * 1e-5 + 1e-6;
                assertThat((double) out[b * rows + r]).as("%s row %d batch %d vs float reference", type, r, b)
                        .isCloseTo(ref, Offset.offset(tol));

                double tolRounded = magRounded * 2e-6 + 1e-6;
                if (act == GgmlType.Q8_1) {
                    // Q4_1/Q5_1 take the activations' block sum from the stored f16 s = d * sum(q) (rounded
                    // from the unrounded d), not from the dequantized values: allow |m| * |s - sum(dequantized)|.
                    for (int blk = 0; blk < cols / 32; blk++) {
                        float m = Float.float16ToFloat(w.row(r).get(LE_SHORT, (long) blk * type.typeSize() + 2));
                        float s = Float.float16ToFloat(xq.get(LE_SHORT, blk * 36L + 2));
                        double sum = 0;
                        for (int j = 0; j < 32; j++) {
                            sum += xr[32 * blk + j];
                        }
                        tolRounded += Math.abs(m) * Math.abs(s - sum) * 1.01;
                    }
                }
                assertThat((double) out[b * rows + r]).as("%s row %d batch %d vs rounded activations", type, r, b)
                        .isCloseTo(refRounded, Offset.offset(tolRounded));
            }
        }
    }

    @Test
    void oneAndThreeThreadsGiveIdenticalBits() {
        for (GgmlType type : WEIGHT_TYPES) {
            if (!Quantizer.canQuantizeTo(type)) {
                continue;
            }
            int cols = 512;
            Tensor w = weights(type, 17, cols, 99);
            float[] x = activations(5 * cols, 100);
            float[] a = new float[5 * 17];
            float[] b = new float[5 * 17];
            new ScalarKernels(one).matmul(w, x, a, 5);
            ScalarKernels k3 = new ScalarKernels(three);
            k3.matmul(w, x, b, 5);
            assertThat(b).as(type.toString()).containsExactly(a);
            // Reusing the instance (and its scratch) gives the same again.
            float[] c = new float[5 * 17];
            k3.matmul(w, x, c, 5);
            assertThat(c).containsExactly(a);
        }
    }

    @Test
    void matmulAllocatesNothingOnceWarm() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ScalarKernels k = new ScalarKernels(one); // one thread: everything runs on this thread, where we can count
        for (GgmlType type : WEIGHT_TYPES) {
            Tensor w = weights(type, 4, 512, 5);
            float[] x = activations(2 * 512, 6);
            float[] out = new float[8];
            for (int i = 0; i < 300; i++) {
                k.matmul(w, x, out, 2);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                k.matmul(w, x, out, 2);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("%s bytes allocated by 100 warm matmuls", type).isLessThan(1024);
        }
    }

    @Test
    void dequantizeRowReadsTheRequestedRow() {
        Tensor w = weights(GgmlType.Q8_0, 3, 64, 1);
        float[] all = new float[3 * 64];
        Dequantizer.dequantize(GgmlType.Q8_0, w.data(), 0, all, 0, 3 * 64);
        float[] row = new float[70];
        new ScalarKernels(one).dequantizeRow(w, 2, row, 6);
        for (int k = 0; k < 64; k++) {
            assertThat(row[6 + k]).isEqualTo(all[128 + k]);
        }
        assertThatThrownBy(() -> new ScalarKernels(one).dequantizeRow(w, 3, row, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void matmulRejectsShortBuffers() {
        Tensor w = weights(GgmlType.F32, 2, 32, 1);
        assertThatThrownBy(() -> new ScalarKernels(one).matmul(w, new float[31], new float[2], 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
