package dev.sirocco.engine.tensor.simd;

import dev.sirocco.engine.tensor.BulkMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BulkMath} with the Vector API: exp is the JDK's vector exp (an intrinsic on x86), and the last partial vector
 * runs under a mask, so every element goes through the same function whatever its position.
 */
public final class VectorBulkMath implements BulkMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    @Override
    public double exp(float[] src, int srcOff, float scale, float shift, float[] dst, int dstOff, int n) {
        double sum = 0;
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector e = FloatVector.fromArray(S, src, srcOff + i).mul(scale).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(dst, dstOff + i);
            sum += e.reduceLanes(VectorOperators.ADD);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, src, srcOff + i, m).mul(scale).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(dst, dstOff + i, m);
            sum += e.reduceLanes(VectorOperators.ADD, m);
        }
        return sum;
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
