package dev.sirocco.engine.tensor;

/**
 * The element and block formats a GGUF tensor can be stored in, with ggml's numeric ids.
 * A block holds {@link #blockSize()} elements in {@link #typeSize()} bytes; a row's length is
 * always a whole number of blocks. Ids and sizes follow ggml.h / ggml.c (type_traits).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),   // f16 d, 16 bytes of nibbles
    Q4_1(3, 32, 20),   // f16 d, f16 m, 16 bytes of nibbles
    Q5_0(6, 32, 22),   // f16 d, 4 bytes high bits, 16 bytes of nibbles
    Q5_1(7, 32, 24),   // f16 d, f16 m, 4 bytes high bits, 16 bytes of nibbles
    Q8_0(8, 32, 34),   // f16 d, 32 int8
    Q8_1(9, 32, 36),   // f16 d, f16 s (= d * sum(q)), 32 int8
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292), // f32 d, 256 int8, 16 int16 block sums
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** ggml's numeric id, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Bytes needed for {@code elements} elements, which must be a multiple of the block size. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** The type with this ggml id, or null when Sirocco does not know it (the caller reports where it came from). */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
