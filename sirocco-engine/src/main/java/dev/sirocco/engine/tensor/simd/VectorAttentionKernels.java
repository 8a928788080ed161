package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.ScalarAttentionKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        float sum = laneTree(x, xOff, y, yOff, np);
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Override
    public float dotWidened(float[] x, int xOff, float[] y, int yOff, int n) {
        int np = n & ~(VEC_DOT_LANES - 1);
        double sum = laneTree(x, xOff, y, yOff, np); // the tail in double, as dotHalf's
        for (int i = np; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return (float) sum;
    }

    /** vec_dot's 32 fused lanes over the first {@code np} elements ({@code np % 32 == 0}) and its reduction tree. */
    private static float laneTree(float[] x, int xOff, float[] y, int yOff, int np) {
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
        FloatVector t = a0.add(a2).add(a1.add(a3));
        return np == 0 ? 0f : (((t.lane(0) + t.lane(4)) + (t.lane(1) + t.lane(5))) + ((t.lane(2) + t.lane(6)) + (t.lane(3) + t.lane(7))));
    }

    @Override
    public double softmaxNumerators(float[] x, int off, int n, int cell0, float max) {
        double sum = 0;
        // blocks of 8 cells aligned to cell 0; cells outside [cell0, cell0 + n) are masked and add 0
        for (int block = cell0 & ~7; block < cell0 + n; block += GEMM_LANES) {
            int first = block - cell0;
            if (first >= 0 && first + GEMM_LANES <= n) {
                sum += expBlock(x, off + first, max);
            } else {
                // a block cut by the window's edge: its lanes one by one (the scalar twin's exp is lane-exact)
                sum += ScalarAttentionKernels.partialBlock(x, off, n, first, max);
            }
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

    /**
     * The lane tree (gemm: 8 rows, else 32) over the rows of {@code acc}, folded in place: vec_dot adds row m + 16
     * to row m, then row l + 8 to row l, both trees row l + 4 to row l, and the last four rows end as
     * {@code (r0 + r2) + (r1 + r3)} (gemm) or {@code (r0 + r1) + (r2 + r3)} (vec_dot's hadds). Plain loops, no vector
     * passed between methods (C2 would box it where it does not inline).
     */
    private static void reduceRows(float[] acc, boolean gemm, int width, float[] out, int outOff) {
        if (!gemm) {
            fold(acc, 16, width);
            fold(acc, 8, width);
        }
        fold(acc, 4, width);
        int vectorWidth = width & ~7;
        int r1 = width;
        int r2 = 2 * width;
        int r3 = 3 * width;
        for (int i = 0; i < vectorWidth; i += 8) {
            FloatVector a0 = FloatVector.fromArray(F8, acc, i);
            FloatVector a1 = FloatVector.fromArray(F8, acc, r1 + i);
            FloatVector a2 = FloatVector.fromArray(F8, acc, r2 + i);
            FloatVector a3 = FloatVector.fromArray(F8, acc, r3 + i);
            FloatVector sum = gemm ? a0.add(a2).add(a1.add(a3)) : a0.add(a1).add(a2.add(a3));
            sum.intoArray(out, outOff + i);
        }
        for (int i = vectorWidth; i < width; i++) {
            out[outOff + i] = gemm ? (acc[i] + acc[r2 + i]) + (acc[r1 + i] + acc[r3 + i])
                    : (acc[i] + acc[r1 + i]) + (acc[r2 + i] + acc[r3 + i]);
        }
    }

    /** Rows {@code m < half} of {@code acc} (rows of {@code width}) += row {@code m + half}. */
    private static void fold(float[] acc, int half, int width) {
        int vectorWidth = width & ~7;
        for (int m = 0; m < half; m++) {
            int dst = m * width;
            int src = (m + half) * width;
            for (int i = 0; i < vectorWidth; i += 8) {
                FloatVector.fromArray(F8, acc, dst + i).add(FloatVector.fromArray(F8, acc, src + i)).intoArray(acc, dst + i);
            }
            for (int i = vectorWidth; i < width; i++) {
                acc[dst + i] += acc[src + i];
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int off, int n) {
        int i = off;
        int blocked = off + (n & ~7);
        for (; i < blocked; i += 8) {
            siluBlock(gate, up, i);
        }
        for (; i < off + n; i++) {
            float g = gate[i];
            gate[i] = g / (1.0f + (float) Math.exp(-g)) * up[i];
        }
    }

    /*
     * ggml_v_expf on 8 lanes (ScalarAttentionKernels.expf is its lane-by-lane twin) appears twice below, written
     * out in each loop: as a method taking and returning vectors it is too big for C2 to inline, and then every
     * call boxes its vectors.
     */

    /** x[off .. off+8) = expf(x - max) as ggml_v_expf; returns the block's hsum tree. */
    private static float expBlock(float[] xs, int off, float max) {
        FloatVector x = FloatVector.fromArray(F8, xs, off).sub(max);
        FloatVector z = x.fma(0x1.715476p+0f, 0x1.8p23f);
        FloatVector n = z.sub(0x1.8p23f);
        FloatVector nn = n.neg();
        FloatVector b = nn.fma(FloatVector.broadcast(F8, 0x1.7f7d1cp-20f), nn.fma(FloatVector.broadcast(F8, 0x1.62e4p-1f), x));
        IntVector e = z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        FloatVector k = e.add(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
        FloatVector an = n.abs();
        VectorMask<Float> c = an.compare(VectorOperators.GT, 126f);
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f))
                .fma(u, b.mul(0x1.ffffecp-1f));
        FloatVector exp = k.fma(j, k);
        if (c.anyTrue()) {
            IntVector g = IntVector.zero(I8).blend(0x82000000, n.compare(VectorOperators.LE, 0f).cast(I8));
            FloatVector s1 = g.add(0x7f000000).reinterpretAsFloats();
            FloatVector s2 = e.sub(g).reinterpretAsFloats();
            exp = exp.blend(s2.fma(j, s2).mul(s1), c).blend(s1.mul(s1), an.compare(VectorOperators.GT, 192f));
        }
        exp.intoArray(xs, off);
        return ((exp.lane(0) + exp.lane(4)) + (exp.lane(2) + exp.lane(6))) + ((exp.lane(1) + exp.lane(5)) + (exp.lane(3) + exp.lane(7)));
    }

    /** gate[i .. i+8) = silu(gate) * up as ggml_v_silu: x / (1 + expf(0 - x)), then times up. */
    private static void siluBlock(float[] gate, float[] up, int i) {
        FloatVector in = FloatVector.fromArray(F8, gate, i);
        FloatVector x = FloatVector.zero(F8).sub(in);
        FloatVector z = x.fma(0x1.715476p+0f, 0x1.8p23f);
        FloatVector n = z.sub(0x1.8p23f);
        FloatVector nn = n.neg();
        FloatVector b = nn.fma(FloatVector.broadcast(F8, 0x1.7f7d1cp-20f), nn.fma(FloatVector.broadcast(F8, 0x1.62e4p-1f), x));
        IntVector e = z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        FloatVector k = e.add(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
        FloatVector an = n.abs();
        VectorMask<Float> c = an.compare(VectorOperators.GT, 126f);
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f))
                .fma(u, b.mul(0x1.ffffecp-1f));
        FloatVector exp = k.fma(j, k);
        if (c.anyTrue()) {
            IntVector g = IntVector.zero(I8).blend(0x82000000, n.compare(VectorOperators.LE, 0f).cast(I8));
            FloatVector s1 = g.add(0x7f000000).reinterpretAsFloats();
            FloatVector s2 = e.sub(g).reinterpretAsFloats();
            exp = exp.blend(s2.fma(j, s2).mul(s1), c).blend(s1.mul(s1), an.compare(VectorOperators.GT, 192f));
        }
        in.div(FloatVector.broadcast(F8, 1f).add(exp)).mul(FloatVector.fromArray(F8, up, i)).intoArray(gate, i);
    }
}
