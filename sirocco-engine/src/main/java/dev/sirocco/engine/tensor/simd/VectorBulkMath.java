package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.BulkMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BulkMath} with the Vector API: ggml's polynomial exp at the platform's width, the last partial vector under a
 * mask, so every element gets exactly the scalar twin's value (see {@link BulkMath} for why not the JDK's EXP).
 */
public final class VectorBulkMath implements BulkMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    @Override
    public double exp(float[] src, int srcOff, float scale, float shift, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            expOf(FloatVector.fromArray(S, src, srcOff + i).mul(scale).sub(shift)).intoArray(dst, dstOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            expOf(FloatVector.fromArray(S, src, srcOff + i, m).mul(scale).sub(shift)).intoArray(dst, dstOff + i, m);
        }
        // in element order, as the scalar twin: a lane reduction's order is not specified, and differs between tiers
        double sum = 0;
        for (int k = dstOff; k < dstOff + n; k++) {
            sum += dst[k];
        }
        return sum;
    }

    /** ggml_v_expf lane by lane as {@code ScalarAttentionKernels.expf}: 2^n (1 + p(b)) with n = round(x / ln 2). */
    private static FloatVector expOf(FloatVector x) {
        FloatVector z = x.fma(0x1.715476p+0f, 0x1.8p23f);
        FloatVector n = z.sub(0x1.8p23f);
        FloatVector nn = n.neg();
        FloatVector b = nn.fma(FloatVector.broadcast(S, 0x1.7f7d1cp-20f), nn.fma(FloatVector.broadcast(S, 0x1.62e4p-1f), x));
        IntVector e = z.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        FloatVector k = e.add(Float.floatToRawIntBits(1f)).reinterpretAsFloats();
        FloatVector an = n.abs();
        VectorMask<Float> c = an.compare(VectorOperators.GT, 126f);
        FloatVector u = b.mul(b);
        FloatVector j = b.fma(0x1.0e4020p-7f, 0x1.573e2ep-5f).fma(u, b.fma(0x1.555e66p-3f, 0x1.fffdb6p-2f))
                .fma(u, b.mul(0x1.ffffecp-1f));
        FloatVector exp = k.fma(j, k);
        if (c.anyTrue()) { // |n| > 126: the scale 2^n leaves the float range, built from two factors (or 0 / infinity)
            IntVector g = IntVector.zero(SI).blend(0x82000000, n.compare(VectorOperators.LE, 0f).cast(SI));
            FloatVector s1 = g.add(0x7f000000).reinterpretAsFloats();
            FloatVector s2 = e.sub(g).reinterpretAsFloats();
            exp = exp.blend(s2.fma(j, s2).mul(s1), c).blend(s1.mul(s1), an.compare(VectorOperators.GT, 192f));
        }
        return exp;
    }

    @Override
    public float max(float[] x, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            m = m.max(FloatVector.fromArray(S, x, off + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            r = Math.max(r, x[off + i]);
        }
        return r;
    }
}
