package dev.sirocco.models.convert;

import dev.sirocco.engine.tensor.quant.HalfFloat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The safetensors element types a checkpoint's weights come in, and how to read one as a float. */
public enum SafetensorsDtype {
    F32(4), F16(2), BF16(2);

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int size;

    SafetensorsDtype(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Decodes {@code n} elements starting at element {@code first} of {@code data} into {@code dst[off..]}. */
    public void read(MemorySegment data, long first, float[] dst, int off, int n) {
        long base = first * size;
        switch (this) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = data.get(F32_LE, base + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = HalfFloat.halfToFloat(data.get(I16_LE, base + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = HalfFloat.bf16ToFloat(data.get(I16_LE, base + 2L * i));
                }
            }
        }
    }

    /** Encodes {@code src[off..off+n)} into {@code data} from element {@code first} (F16 and BF16 rounded to nearest even). */
    public void write(float[] src, int off, int n, MemorySegment data, long first) {
        long base = first * size;
        switch (this) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    data.set(F32_LE, base + 4L * i, src[off + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    data.set(I16_LE, base + 2L * i, HalfFloat.floatToHalf(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    data.set(I16_LE, base + 2L * i, HalfFloat.floatToBf16(src[off + i]));
                }
            }
        }
    }
}
