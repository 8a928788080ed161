package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q8_1: blocks of 32 as {@code f16 d}, {@code f16 s = d * sum(q)}, then 32 signed bytes; x = d * q.
 * Only an activation format (the companion of Q4_1/Q5_1): encoding is {@link ActivationQuantizer#q8_1}.
 */
public final class Q8_1Codec implements BlockCodec {
    public static final Q8_1Codec INSTANCE = new Q8_1Codec();
    static final int QK = 32;
    static final int BYTES = 36;

    private Q8_1Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_1;
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
            float d = Le.half(src, b);
            for (int j = 0; j < QK; j++) {
                dst[dstOff + i * QK + j] = Le.s8(src, b + 4 + j) * d;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        ActivationQuantizer.q8_1(src, srcOff, n, dst, dstOff);
    }
}
