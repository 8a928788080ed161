package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/** bfloat16; dots BF16 weights with BF16-rounded activations, float products summed in double like ggml's scalar ggml_vec_dot_bf16. */
public final class BF16Codec implements BlockCodec {
    public static final BF16Codec INSTANCE = new BF16Codec();

    private BF16Codec() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.BF16;
    }

    private static float at(MemorySegment s, long off) {
        return HalfFloat.bf16ToFloat((short) Le.s16(s, off));
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = at(src, srcOff + 2L * i);
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOff, int n, MemorySegment dst, long dstOff) {
        for (int i = 0; i < n; i++) {
            Le.put16(dst, dstOff + 2L * i, HalfFloat.floatToBf16(src[srcOff + i]));
        }
    }

    @Override
    public float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += at(w, wOff + 2L * i) * at(a, aOff + 2L * i);
        }
        return (float) sum;
    }
}
