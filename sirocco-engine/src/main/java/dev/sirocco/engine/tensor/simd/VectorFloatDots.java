package dev.sirocco.engine.tensor.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
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

    /** tinyBLAS's hsum of one __m256: b[l] = a[l] + a[l+4], then (b0 + b2) + (b1 + b3). */
    static float hsum8(FloatVector a) {
        float b0 = a.lane(0) + a.lane(4);
        float b1 = a.lane(1) + a.lane(5);
        float b2 = a.lane(2) + a.lane(6);
        float b3 = a.lane(3) + a.lane(7);
        return (b0 + b2) + (b1 + b3);
    }

    /** GGML_F32x8_REDUCE after the accumulators were folded to y: t[l] = y[l] + y[l+4], then (t0 + t1) + (t2 + t3). */
    static float reduceHadd(FloatVector y) {
        float t0 = y.lane(0) + y.lane(4);
        float t1 = y.lane(1) + y.lane(5);
        float t2 = y.lane(2) + y.lane(6);
        float t3 = y.lane(3) + y.lane(7);
        return (t0 + t1) + (t2 + t3);
    }

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
        float sum = reduceHadd(a0.add(a2).add(a1.add(a3)));
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
        return hsum8(a);
    }

    /** 8 F16 or BF16 weights at {@code off}, widened exactly. */
    private static FloatVector load(boolean bf16, MemorySegment w, long off) {
        return widen(bf16, ShortVector.fromMemorySegment(S8, w, off, LE));
    }

    /** 8 F16 or BF16 values widened exactly to floats. */
    static FloatVector widen(boolean bf16, ShortVector h) {
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I8, 0);
        if (bf16) {
            return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        }
        // IEEE half: the 15 magnitude bits in a float's place read 2^112 too small (subnormals land on float
        // subnormals), one exact multiply fixes it; infinities and NaNs take the all-ones exponent; sign last.
        IntVector mag = bits.and(0x7fff);
        IntVector shifted = mag.lanewise(VectorOperators.LSHL, 13);
        IntVector scaled = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = mag.compare(VectorOperators.GE, 0x7c00);
        return scaled.blend(shifted.or(0x7f800000), special)
                .or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * F16/BF16 weights: tinyBLAS when {@code gemm}, else ggml_vec_dot_f16 (4 x 8 fused lanes, vec_dot tree) or
     * ggml_vec_dot_bf16 on AVX2 (4 x 8 lanes of multiply then add, unfused; (c1 + c3) + (c2 + c4), hsum tree);
     * both add the tail in double.
     */
    static float halfDot(boolean bf16, MemorySegment w, long wOff, float[] a, int aOff, int n, boolean gemm) {
        if (gemm) {
            FloatVector acc = FloatVector.zero(F8);
            for (int i = 0; i < n; i += 8) {
                acc = load(bf16, w, wOff + 2L * i).fma(FloatVector.fromArray(F8, a, aOff + i), acc);
            }
            return hsum8(acc);
        }
        int np = n & ~31;
        FloatVector c0 = FloatVector.zero(F8);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        double sum;
        if (bf16) {
            for (int i = 0; i < np; i += 32) {
                c0 = c0.add(load(true, w, wOff + 2L * i).mul(FloatVector.fromArray(F8, a, aOff + i)));
                c1 = c1.add(load(true, w, wOff + 2L * (i + 8)).mul(FloatVector.fromArray(F8, a, aOff + i + 8)));
                c2 = c2.add(load(true, w, wOff + 2L * (i + 16)).mul(FloatVector.fromArray(F8, a, aOff + i + 16)));
                c3 = c3.add(load(true, w, wOff + 2L * (i + 24)).mul(FloatVector.fromArray(F8, a, aOff + i + 24)));
            }
            sum = hsum8(c0.add(c2).add(c1.add(c3)));
        } else {
            for (int i = 0; i < np; i += 32) {
                c0 = load(false, w, wOff + 2L * i).fma(FloatVector.fromArray(F8, a, aOff + i), c0);
                c1 = load(false, w, wOff + 2L * (i + 8)).fma(FloatVector.fromArray(F8, a, aOff + i + 8), c1);
                c2 = load(false, w, wOff + 2L * (i + 16)).fma(FloatVector.fromArray(F8, a, aOff + i + 16), c2);
                c3 = load(false, w, wOff + 2L * (i + 24)).fma(FloatVector.fromArray(F8, a, aOff + i + 24), c3);
            }
            sum = reduceHadd(c0.add(c2).add(c1.add(c3)));
        }
        for (int i = np; i < n; i++) {
            short h = w.get(SHORT_LE, wOff + 2L * i);
            float wi = bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
            sum += wi * a[aOff + i];
        }
        return (float) sum;
    }
}
