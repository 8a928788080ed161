package dev.sirocco.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF metadata array. {@code values} is a Java array whose class follows from {@code elementType},
 * with unsigned types widened so every value reads as its number:
 * UINT8 {@code short[]}, INT8 {@code byte[]}, UINT16 {@code int[]}, INT16 {@code short[]},
 * UINT32 {@code long[]}, INT32 {@code int[]}, UINT64 and INT64 {@code long[]} (UINT64 values above
 * 2^63-1 keep their bits and read negative), FLOAT32 {@code float[]}, FLOAT64 {@code double[]},
 * BOOL {@code boolean[]}, STRING {@code String[]}, ARRAY {@code GgufArray[]} (nested arrays).
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = valuesClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("a GGUF array of " + elementType + " holds a "
                    + expected.getSimpleName() + ", got " + values.getClass().getSimpleName());
        }
    }

    private static final GgufArray[] EMPTY = new GgufArray[GgufValueType.values().length];

    static {
        for (GgufValueType t : GgufValueType.values()) {
            EMPTY[t.ordinal()] = new GgufArray(t, java.lang.reflect.Array.newInstance(valuesClass(t).componentType(), 0));
        }
    }

    /** A shared empty array of {@code type} (a hostile file may hold millions of empty nested arrays). */
    static GgufArray empty(GgufValueType type) {
        return EMPTY[type.ordinal()];
    }

    /** The Java array class that holds elements of {@code type}. */
    public static Class<?> valuesClass(GgufValueType type) {
        return switch (type) {
            case INT8 -> byte[].class;
            case UINT8, INT16 -> short[].class;
            case UINT16, INT32 -> int[].class;
            case UINT32, UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public int length() {
        return switch (values) {
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case Object[] a -> a.length;
            default -> throw new AssertionError(values.getClass());
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && elementType == a.elementType
                && Arrays.deepEquals(new Object[] {values}, new Object[] {a.values});
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        // Vocabularies hold 100k+ entries: show the length and a short prefix only.
        String s = Arrays.deepToString(new Object[] {values});
        s = s.substring(1, s.length() - 1);
        return elementType + "[" + length() + "]" + (s.length() > 120 ? s.substring(0, 120) + "..." : s);
    }
}
