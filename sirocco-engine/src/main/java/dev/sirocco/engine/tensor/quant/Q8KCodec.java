package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q8_K: blocks of 256 as {@code f32 d}, 256 signed bytes, then 16 {@code int16} sums of each run of 16
 * quants; x = d * q. Only an activation format (the companion of the K-quants): encoding is
 * {@link ActivationQuantizer#q8_K}.
 */
public final class Q8KCodec implements BlockCodec {
    public static final Q8KCodec INSTANCE = new Q8KCodec();
    static final int QK = 256;
    static final int BYTES = 292;
    static final int QS = 4;
    static final int BSUMS = 260;

    private Q8KCodec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_K;
    }

    @Override
    public GgmlType vecDotType() {
        return null;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int nb = blocks(n);
        for (int i = 0; i < nb; i++) {
            long b = srcOff + (long) i * BYTES;
            float d = Le.f32(src, b);
            for (int j = 0; j < QK; j++) {
                dst[dstOff + i * QK + j] = d * Le.s8(src, b + QS + j);
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        ActivationQuantizer.q8_K(src, srcOff, n, dst, dstOff);
    }

    /** The stored sum of quants {@code 16*j .. 16*j+15} of the block at {@code blockOff}. */
    public static int bsum(MemorySegment block, long blockOff, int j) {
        return Le.s16(block, blockOff + BSUMS + 2L * j);
    }
}
