package dev.sirocco.engine.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Dot products of F32, F16 and BF16 weight rows with float activation rows (F16/BF16 ones already rounded to the
 * weight's type) in llama.cpp's exact float arithmetic on AVX2 + FMA, the same floats as ScalarKernels' forms:
 * tinyBLAS for batches (8 fused lanes and their hsum tree), ggml_vec_dot_f32/f16/bf16 for one row (32 lanes
 * and their reduction trees, see ScalarAttentionKernels). The arithmetic is defined on ggml's __m256, so these
 * loops use 256-bit vectors at every width setting.
 */
final class VectorFloatDots {
    private VectorFloatDots() {
    }

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    // The lane trees (tinyBLAS hsum: (a0+a4 + a2+a6) + (a1+a5 + a3+a7); vec_dot after folding: (y0+y4 + y1+y5) +
    // (y2+y6 + y3+y7)) are written out at each use as lane() sums: a helper taking a vector that C2 does not
    // inline would box the vector on every call.

    /** ggml_vec_dot_f32: 4 x 8 fused lanes, folded (a0 + a2) + (a1 + a3), hadd tree, tail added unfused in float. */
    static float f32VecDot(MemorySegment w, long wOff, float[] x, int xOff, int n) {
        int np = n & ~31;
        FloatVector a0 = FloatVector.zero(F8);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < np; i += 32) {
            a0 = FloatVector.fromMemorySegment(F8, w, wOff + 4L * i, LE).fma(FloatVector.fromArray(F8, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(F8, w, wOff + 4L * (i + 8), LE).fma(FloatVector.fromArray(F8, x, xOff + i + 8), a1);
            a2 = FloatVector.fromMemorySegment(F8, w, wOff + 4L * (i + 16), LE).fma(FloatVector.fromArray(F8, x, xOff + i + 16), a2);
            a3 = FloatVector.fromMemorySegment(F8, w, wOff + 4L * (i + 24), LE).fma(FloatVector.fromArray(F8, x, xOff + i + 24), a3);
        }
        FloatVector y = a0.add(a2).add(a1.add(a3));
        float sum = (((y.lane(0) + y.lane(4)) + (y.lane(1) + y.lane(5))) + ((y.lane(2) + y.lane(6)) + (y.lane(3) + y.lane(7))));
        for (int i = np; i < n; i++) {
            sum += w.get(F32_LE, wOff + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    /** tinyBLAS F32 ({@code n % 8 == 0}): one chain of 8 fused lanes, hsum. */
    static float f32Gemm(MemorySegment w, long wOff, float[] x, int xOff, int n) {
        FloatVector a = FloatVector.zero(F8);
        for (int i = 0; i < n; i += 8) {
            a = FloatVector.fromMemorySegment(F8, w, wOff + 4L * i, LE).fma(FloatVector.fromArray(F8, x, xOff + i), a);
        }
        return (((a.lane(0) + a.lane(4)) + (a.lane(2) + a.lane(6))) + ((a.lane(1) + a.lane(5)) + (a.lane(3) + a.lane(7))));
    }

    /**
     * 8 BF16 weights at {@code off}, widened (exactly: a float's upper half). Small on purpose: C2 must inline it,
     * or the returned vector is boxed on every call.
     */
    private static FloatVector loadBf16(MemorySegment w, long off) {
        IntVector bits = (IntVector) ShortVector.fromMemorySegment(S8, w, off, LE).convertShape(VectorOperators.S2I, I8, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * Widens {@code n} F16 bit patterns to floats, exactly. A plain loop over arrays on purpose: C2's
     * auto-vectorizer turns {@code Float.float16ToFloat} into the hardware conversion (vcvtph2ps, 16 halves per
     * instruction), several times cheaper than widening by bit arithmetic in vector lanes.
     */
    static void widenF16(short[] h, float[] f, int n) {
        widenF16(h, 0, f, n);
    }

    /** {@link #widenF16(short[], float[], int)} of {@code h[hOff .. hOff + n)} to {@code f[0 .. n)}. */
    static void widenF16(short[] h, int hOff, float[] f, int n) {
        for (int i = 0; i < n; i++) {
            f[i] = Float.float16ToFloat(h[hOff + i]);
        }
    }

    /**
     * {@link #halfDot} of an F16 weight row already widened by {@link #widenF16} to {@code w[0 .. n)}: the same
     * lanes in the same order, so the same float.
     */
    static float f16Dot(float[] w, float[] a, int aOff, int n, boolean gemm) {
        if (gemm) {
            FloatVector acc = FloatVector.zero(F8);
            for (int i = 0; i < n; i += 8) {
                acc = FloatVector.fromArray(F8, w, i).fma(FloatVector.fromArray(F8, a, aOff + i), acc);
            }
            return (((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6))) + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7))));
        }
        int np = n & ~31;
        FloatVector c0 = FloatVector.zero(F8);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int i = 0; i < np; i += 32) {
            c0 = FloatVector.fromArray(F8, w, i).fma(FloatVector.fromArray(F8, a, aOff + i), c0);
            c1 = FloatVector.fromArray(F8, w, i + 8).fma(FloatVector.fromArray(F8, a, aOff + i + 8), c1);
            c2 = FloatVector.fromArray(F8, w, i + 16).fma(FloatVector.fromArray(F8, a, aOff + i + 16), c2);
            c3 = FloatVector.fromArray(F8, w, i + 24).fma(FloatVector.fromArray(F8, a, aOff + i + 24), c3);
        }
        FloatVector folded = c0.add(c2).add(c1.add(c3));
        double sum = np == 0 ? 0 : (((folded.lane(0) + folded.lane(4)) + (folded.lane(1) + folded.lane(5))) + ((folded.lane(2) + folded.lane(6)) + (folded.lane(3) + folded.lane(7))));
        for (int i = np; i < n; i++) {
            sum += w[i] * a[aOff + i];
        }
        return (float) sum;
    }

    /**
     * {@link #f16Dot} (vec_dot form) of two widened weight rows {@code w0}, {@code w1} with one activation row, to
     * {@code out[o0]} and {@code out[o1]}: each row's four chains of dependent fmas are the latency limit of one row
     * alone; two rows interleaved keep eight in flight. Each row's lanes and order are unchanged.
     */
    static void f16Dot2(float[] w0, float[] w1, float[] a, int aOff, int n, float[] out, int o0, int o1) {
        int np = n & ~31;
        FloatVector c0 = FloatVector.zero(F8);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector d0 = c0;
        FloatVector d1 = c0;
        FloatVector d2 = c0;
        FloatVector d3 = c0;
        for (int i = 0; i < np; i += 32) {
            FloatVector a0 = FloatVector.fromArray(F8, a, aOff + i);
            FloatVector a1 = FloatVector.fromArray(F8, a, aOff + i + 8);
            FloatVector a2 = FloatVector.fromArray(F8, a, aOff + i + 16);
            FloatVector a3 = FloatVector.fromArray(F8, a, aOff + i + 24);
            c0 = FloatVector.fromArray(F8, w0, i).fma(a0, c0);
            d0 = FloatVector.fromArray(F8, w1, i).fma(a0, d0);
            c1 = FloatVector.fromArray(F8, w0, i + 8).fma(a1, c1);
            d1 = FloatVector.fromArray(F8, w1, i + 8).fma(a1, d1);
            c2 = FloatVector.fromArray(F8, w0, i + 16).fma(a2, c2);
            d2 = FloatVector.fromArray(F8, w1, i + 16).fma(a2, d2);
            c3 = FloatVector.fromArray(F8, w0, i + 24).fma(a3, c3);
            d3 = FloatVector.fromArray(F8, w1, i + 24).fma(a3, d3);
        }
        FloatVector f = c0.add(c2).add(c1.add(c3));
        FloatVector g = d0.add(d2).add(d1.add(d3));
        double sum0 = np == 0 ? 0 : (((f.lane(0) + f.lane(4)) + (f.lane(1) + f.lane(5))) + ((f.lane(2) + f.lane(6)) + (f.lane(3) + f.lane(7))));
        double sum1 = np == 0 ? 0 : (((g.lane(0) + g.lane(4)) + (g.lane(1) + g.lane(5))) + ((g.lane(2) + g.lane(6)) + (g.lane(3) + g.lane(7))));
        for (int i = np; i < n; i++) {
            sum0 += w0[i] * a[aOff + i];
            sum1 += w1[i] * a[aOff + i];
        }
        out[o0] = (float) sum0;
        out[o1] = (float) sum1;
    }

    /**
     * Elements of a row widened at a time by {@link #f16Dot2(short[], short[], float[], float[], float[], int, int, float[], int, int)}:
     * two rows' worth stay in L1 beside the activations.
     */
    static final int F16_CHUNK = 1024;

    /**
     * {@link #f16Dot} (vec_dot form) of two F16 weight rows {@code h0}, {@code h1} (bit patterns) with one activation
     * row, to {@code out[o0]} and {@code out[o1]}: each row's four chains of dependent fmas are the latency limit of
     * one row alone; two rows interleaved keep eight in flight. The rows are widened {@link #F16_CHUNK} elements at a
     * time into {@code w0}, {@code w1}: for long rows (8192 halves) widened whole, the floats spilled out of L1 (1.47x);
     * for rows of 2048 the widening outside the dot loop is faster (0.88x here). Each row's lanes and order are those
     * of {@link #f16Dot}.
     */
    static void f16Dot2(short[] h0, short[] h1, float[] w0, float[] w1, float[] a, int aOff, int n, float[] out, int o0, int o1) {
        int np = n & ~31;
        FloatVector c0 = FloatVector.zero(F8);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector d0 = c0;
        FloatVector d1 = c0;
        FloatVector d2 = c0;
        FloatVector d3 = c0;
        for (int k = 0; k < np; k += F16_CHUNK) {
            int m = Math.min(F16_CHUNK, np - k);
            widenF16(h0, k, w0, m);
            widenF16(h1, k, w1, m);
            for (int i = 0; i < m; i += 32) {
                int x = aOff + k + i;
                FloatVector a0 = FloatVector.fromArray(F8, a, x);
                FloatVector a1 = FloatVector.fromArray(F8, a, x + 8);
                FloatVector a2 = FloatVector.fromArray(F8, a, x + 16);
                FloatVector a3 = FloatVector.fromArray(F8, a, x + 24);
                c0 = FloatVector.fromArray(F8, w0, i).fma(a0, c0);
                d0 = FloatVector.fromArray(F8, w1, i).fma(a0, d0);
                c1 = FloatVector.fromArray(F8, w0, i + 8).fma(a1, c1);
                d1 = FloatVector.fromArray(F8, w1, i + 8).fma(a1, d1);
                c2 = FloatVector.fromArray(F8, w0, i + 16).fma(a2, c2);
                d2 = FloatVector.fromArray(F8, w1, i + 16).fma(a2, d2);
                c3 = FloatVector.fromArray(F8, w0, i + 24).fma(a3, c3);
                d3 = FloatVector.fromArray(F8, w1, i + 24).fma(a3, d3);
            }
        }
        FloatVector f = c0.add(c2).add(c1.add(c3));
        FloatVector g = d0.add(d2).add(d1.add(d3));
        double sum0 = np == 0 ? 0 : (((f.lane(0) + f.lane(4)) + (f.lane(1) + f.lane(5))) + ((f.lane(2) + f.lane(6)) + (f.lane(3) + f.lane(7))));
        double sum1 = np == 0 ? 0 : (((g.lane(0) + g.lane(4)) + (g.lane(1) + g.lane(5))) + ((g.lane(2) + g.lane(6)) + (g.lane(3) + g.lane(7))));
        for (int i = np; i < n; i++) {
            sum0 += Float.float16ToFloat(h0[i]) * a[aOff + i];
            sum1 += Float.float16ToFloat(h1[i]) * a[aOff + i];
        }
        out[o0] = (float) sum0;
        out[o1] = (float) sum1;
    }

    /**
     * BF16 weights: tinyBLAS when {@code gemm}, else ggml_vec_dot_bf16 on AVX2 (4 x 8 lanes of multiply then add,
     * unfused; (c1 + c3) + (c2 + c4), hsum tree, the tail added in double). F16 rows go through {@link #widenF16}
     * and the float dots instead.
     */
    static float bf16Dot(MemorySegment w, long wOff, float[] a, int aOff, int n, boolean gemm) {
        if (gemm) {
            FloatVector acc = FloatVector.zero(F8);
            for (int i = 0; i < n; i += 8) {
                acc = loadBf16(w, wOff + 2L * i).fma(FloatVector.fromArray(F8, a, aOff + i), acc);
            }
            return (((acc.lane(0) + acc.lane(4)) + (acc.lane(2) + acc.lane(6))) + ((acc.lane(1) + acc.lane(5)) + (acc.lane(3) + acc.lane(7))));
        }
        int np = n & ~31;
        FloatVector c0 = FloatVector.zero(F8);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        // one 8-lane step per iteration into accumulator (i / 8) % 4, so the widening is inlined once
        for (int i = 0; i < np; i += 8) {
            FloatVector p = loadBf16(w, wOff + 2L * i).mul(FloatVector.fromArray(F8, a, aOff + i));
            // _mm256_add_ps(_mm256_mul_ps(..), c): not fused
            switch ((i >> 3) & 3) {
                case 0 -> c0 = c0.add(p);
                case 1 -> c1 = c1.add(p);
                case 2 -> c2 = c2.add(p);
                default -> c3 = c3.add(p);
            }
        }
        FloatVector folded = c0.add(c2).add(c1.add(c3));
        double sum = np == 0 ? 0 : (((folded.lane(0) + folded.lane(4)) + (folded.lane(2) + folded.lane(6))) + ((folded.lane(1) + folded.lane(5)) + (folded.lane(3) + folded.lane(7))));
        for (int i = np; i < n; i++) {
            sum += Float.intBitsToFloat(w.get(SHORT_LE, wOff + 2L * i) << 16) * a[aOff + i];
        }
        return (float) sum;
    }
}
