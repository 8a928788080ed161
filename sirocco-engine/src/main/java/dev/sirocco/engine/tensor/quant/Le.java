package dev.sirocco.engine.tensor.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian field access inside blocks (GGUF data is little-endian whatever the host). */
final class Le {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int s8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    static int s16(MemorySegment s, long off) {
        return s.get(SHORT, off);
    }

    static void put16(MemorySegment s, long off, int v) {
        s.set(SHORT, off, (short) v);
    }

    static int i32(MemorySegment s, long off) {
        return s.get(INT, off);
    }

    static void put32(MemorySegment s, long off, int v) {
        s.set(INT, off, v);
    }

    static float f32(MemorySegment s, long off) {
        return s.get(FLOAT, off);
    }

    static void putF32(MemorySegment s, long off, float v) {
        s.set(FLOAT, off, v);
    }

    /** An IEEE half at {@code off}, widened exactly. */
    static float half(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(SHORT, off));
    }

    static void putHalf(MemorySegment s, long off, float v) {
        s.set(SHORT, off, HalfFloat.floatToHalf(v));
    }
}
