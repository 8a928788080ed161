package dev.sirocco.engine.gguf;

/**
 * The types a GGUF metadata value can have, with their ids as stored in the file (gguf.h {@code gguf_type}).
 * {@link #ARRAY} is followed in the file by the element type and a count.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** The id stored in the file. */
    public int id() {
        return id;
    }

    /** Bytes one value takes in the file, or 0 for the variable-sized {@link #STRING} and {@link #ARRAY}. */
    public int fixedSize() {
        return fixedSize;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with this id, or null for an id GGUF does not define (the caller reports where it came from). */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
