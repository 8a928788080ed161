package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.AttentionKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AttentionKernels} with the Vector API, the same floats as ScalarAttentionKernels. ggml's arithmetic here is
 * defined on 8-lane __m256 registers (lane trees, blocks of 8 softmax cells), so the loops use 256-bit vectors at
 * every width setting: the dot products and exps run in ggml's own lanes, and the value sums run over 8 output
 * dimensions at a time, each lane one independent output.
 */
public final class VectorAttentionKernels implements AttentionKernels {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        FloatVector a0 = FloatVector.zero(F8);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < np; i += VEC_DOT_LANES) {
            a0 = FloatVector.fromArray(F8, x, xOff + i).fma(FloatVector.fromArray(F8, y, yOff + i), a0);
            a1 = FloatVector.fromArray(F8, x, xOff + i + 8).fma(FloatVector.fromArray(F8, y, yOff + i + 8), a1);
            a2 = FloatVector.fromArray(F8, x, xOff + i + 16).fma(FloatVector.fromArray(F8, y, yOff + i + 16), a2);
            a3 = FloatVector.fromArray(F8, x, xOff + i + 24).fma(FloatVector.fromArray(F8, y, yOff + i + 24), a3);
        }
        float sum = np == 0 ? 0f : VectorFloatDots.reduceHadd(a0.add(a2).add(a1.add(a3)));
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Override
    public float dotHalf(float[] x, int xOff, short[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        FloatVector a0 = FloatVector.zero(F8);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < np; i += VEC_DOT_LANES) {
            a0 = FloatVector.fromArray(F8, x, xOff + i).fma(half(y, yOff + i), a0);
            a1 = FloatVector.fromArray(F8, x, xOff + i + 8).fma(half(y, yOff + i + 8), a1);
            a2 = FloatVector.fromArray(F8, x, xOff + i + 16).fma(half(y, yOff + i + 16), a2);
            a3 = FloatVector.fromArray(F8, x, xOff + i + 24).fma(half(y, yOff + i + 24), a3);
        }
        double sum = np == 0 ? 0f : VectorFloatDots.reduceHadd(a0.add(a2).add(a1.add(a3)));
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * Float.float16ToFloat(y[yOff + i]);
        }
        return (float) sum;
    }

    private static FloatVector half(short[] y, int off) {
        return VectorFloatDots.widen(false, ShortVector.fromArray(S8, y, off));
    }

    @Override
    public double softmaxNumerators(float[] x, int off, int n, int cell0, float max) {
        double sum = 0;
        // blocks of 8 cells aligned to cell 0; cells outside [cell0, cell0 + n) are masked and add 0
        for (int block = cell0 & ~7; block < cell0 + n; block += GEMM_LANES) {
            int first = block - cell0;
            FloatVector e;
            if (first >= 0 && first + GEMM_LANES <= n) {
                e = expf(FloatVector.fromArray(F8, x, off + first).sub(max));
                e.intoArray(x, off + first);
            } else {
                VectorMask<Float> in = F8.indexInRange(first, n);
                e = expf(FloatVector.fromArray(F8, x, off + first, in).sub(max)).blend(0f, in.not());
                e.intoArray(x, off + first, in);
            }
            sum += VectorFloatDots.hsum8(e);
        }
        return sum;
    }

    @Override
    public void weightedSum(float[] w, int wOff, int n, int cell0, float[] v, int vOff, int stride, int width,
                            boolean gemm, float[] acc, float[] out, int outOff) {
        int lanes = gemm ? GEMM_LANES : VEC_DOT_LANES;
        int vectorWidth = width & ~7;
        for (int r = 0; r < lanes; r++) {
            int j0 = Math.floorMod(r - cell0, lanes); // first j whose cell is in chain r
            int row = r * width;
            int i = 0;
            // four output vectors per pass over the chain's cells: one broadcast weight feeds four fmas
            for (; i + 32 <= vectorWidth; i += 32) {
                FloatVector a0 = FloatVector.zero(F8);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int j = j0; j < n; j += lanes) {
                    FloatVector wj = FloatVector.broadcast(F8, w[wOff + j]);
                    int base = vOff + j * stride + i;
                    a0 = FloatVector.fromArray(F8, v, base).fma(wj, a0);
                    a1 = FloatVector.fromArray(F8, v, base + 8).fma(wj, a1);
                    a2 = FloatVector.fromArray(F8, v, base + 16).fma(wj, a2);
                    a3 = FloatVector.fromArray(F8, v, base + 24).fma(wj, a3);
                }
                a0.intoArray(acc, row + i);
                a1.intoArray(acc, row + i + 8);
                a2.intoArray(acc, row + i + 16);
                a3.intoArray(acc, row + i + 24);
            }
            for (; i < vectorWidth; i += 8) {
                FloatVector a = FloatVector.zero(F8);
                for (int j = j0; j < n; j += lanes) {
                    a = FloatVector.fromArray(F8, v, vOff + j * stride + i).fma(FloatVector.broadcast(F8, w[wOff + j]), a);
                }
                a.intoArray(acc, row + i);
            }
            for (; i < width; i++) {
                float a = 0f;
                for (int j = j0; j < n; j += lanes) {
                    a = Math.fma(v[vOff + j * stride + i], w[wOff + j], a);
                }
                acc[row + i] = a;
            }
        }
        reduceRows(acc, gemm, width, out, outOff);
    }

    @Override
    public void weightedSumHalf(float[] w, int wOff, int n, int cell0, short[] v, int vOff, int stride, int width,
                                boolean gemm, float[] acc, float[] out, int outOff) {
        int lanes = gemm ? GEMM_LANES : VEC_DOT_LANES;
        int vectorWidth = width & ~7;
        for (int r = 0; r < lanes; r++) {
            int j0 = Math.floorMod(r - cell0, lanes);
            int row = r * width;
            for (int i = 0; i < vectorWidth; i += 8) {
                FloatVector a = FloatVector.zero(F8);
                for (int j = j0; j < n; j += lanes) {
                    a = half(v, vOff + j * stride + i).fma(FloatVector.broadcast(F8, w[wOff + j]), a);
                }
                a.intoArray(acc, row + i);
            }
            for (int i = vectorWidth; i < width; i++) {
                float a = 0f;
                for (int j = j0; j < n; j += lanes) {
                    a = Math.fma(Float.float16ToFloat(v[vOff + j * stride + i]), w[wOff + j], a);
                }
                acc[row + i] = a;
            }
        }
        reduceRows(acc, gemm, width, out, outOff);
    }

    /** The lane tree (gemm: 8 rows, else 32) over the rows of {@code acc}, 8 outputs at a time. */
    private static void reduceRows(float[] acc, boolean gemm, int width, float[] out, int outOff) {
        int vectorWidth = width & ~7;
        for (int i = 0; i < vectorWidth; i += 8) {
            FloatVector b0;
            FloatVector b1;
            FloatVector b2;
            FloatVector b3;
            if (gemm) {
                b0 = row(acc, 0, width, i).add(row(acc, 4, width, i));
                b1 = row(acc, 1, width, i).add(row(acc, 5, width, i));
                b2 = row(acc, 2, width, i).add(row(acc, 6, width, i));
                b3 = row(acc, 3, width, i).add(row(acc, 7, width, i));
                b0.add(b2).add(b1.add(b3)).intoArray(out, outOff + i);
            } else {
                b0 = y32(acc, 0, width, i).add(y32(acc, 4, width, i));
                b1 = y32(acc, 1, width, i).add(y32(acc, 5, width, i));
                b2 = y32(acc, 2, width, i).add(y32(acc, 6, width, i));
                b3 = y32(acc, 3, width, i).add(y32(acc, 7, width, i));
                b0.add(b1).add(b2.add(b3)).intoArray(out, outOff + i);
            }
        }
        for (int i = vectorWidth; i < width; i++) {
            out[outOff + i] = gemm
                    ? dev.sirocco.engine.tensor.ScalarAttentionKernels.reduce8(acc, i, width)
                    : dev.sirocco.engine.tensor.ScalarAttentionKernels.reduce32(acc, i, width);
        }
    }

    private static FloatVector row(float[] acc, int r, int width, int i) {
        return FloatVector.fromArray(F8, acc, r * width + i);
    }

    private static FloatVector y32(float[] acc, int l, int width, int i) {
        return row(acc, l, width, i).add(row(acc, l + 16, width, i)).add(row(acc, l + 8, width, i).add(row(acc, l + 24, width, i)));
    }

    @Override
    public void swiglu(float[] gate, float[] up, int off, int n) {
        int i = off;
        int blocked = off + (n & ~7);
        for (; i < blocked; i += 8) {
            FloatVector x = FloatVector.fromArray(F8, gate, i);
            FloatVector silu = x.div(FloatVector.broadcast(F8, 1f).add(expf(FloatVector.zero(F8).sub(x))));
            silu.mul(FloatVector.fromArray(F8, up, i)).intoArray(gate, i);
        }
        for (; i < off + n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** ggml_v_expf on 8 lanes (see ScalarAttentionKernels.expf, its lane-by-lane twin). */
    static FloatVector expf(FloatVector x) {
        FloatVector r = FloatVector.broadcast(F8, 0x1.8p23f);
        FloatVector z = x.fma(0x1.715476p+0f, 0x1.8p23f);
        FloatVector n = z.sub(r);
        FloatVector nn = n.neg();
        FloatVector b = nn.fma(FloatVector.broadcast(F8, 0x1.7f7d1cp-20f), nn.fma(FloatVector.broadcast(F8, 0x1.62e4p-1f), x));
        IntVector e = z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        FloatVector k = e.add(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
        FloatVector an = n.abs();
        VectorMask<Float> c = an.compare(VectorOperators.GT, 126f);
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f))
                .fma(u, b.mul(0x1.ffffecp-1f));
        FloatVector normal = k.fma(j, k);
        if (!c.anyTrue()) {
            return normal;
        }
        IntVector g = IntVector.zero(IntVector.SPECIES_256).blend(0x82000000,
                n.compare(VectorOperators.LE, 0f).cast(IntVector.SPECIES_256));
        FloatVector s1 = g.add(0x7f000000).reinterpretAsFloats();
        FloatVector s2 = e.sub(g).reinterpretAsFloats();
        VectorMask<Float> d = an.compare(VectorOperators.GT, 192f);
        FloatVector scaled = s2.fma(j, s2).mul(s1);
        return normal.blend(scaled, c).blend(s1.mul(s1), d);
    }
}
