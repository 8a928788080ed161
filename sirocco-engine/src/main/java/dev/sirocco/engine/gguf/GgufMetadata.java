package dev.sirocco.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The key-value metadata of a GGUF file, in file order, with typed getters that throw
 * {@link GgufMetadataException} naming the key and both types instead of returning null.
 * Raw values ({@link #get}) are: String, Boolean, Byte (INT8), Short (UINT8, INT16), Integer (UINT16, INT32),
 * Long (UINT32, INT64, UINT64 as raw bits), Float, Double, or {@link GgufArray}.
 */
public final class GgufMetadata {

    /** One value with its declared type (ARRAY for arrays). */
    record Entry(GgufValueType type, Object value) {}

    private final Map<String, Entry> entries;

    GgufMetadata(LinkedHashMap<String, Entry> entries) {
        this.entries = entries;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** All keys, in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public int size() {
        return entries.size();
    }

    /** The declared type of the value ({@link GgufValueType#ARRAY} for arrays). */
    public GgufValueType typeOf(String key) {
        return entry(key).type();
    }

    /** The raw value (see the class comment for the Java types). */
    public Object get(String key) {
        return entry(key).value();
    }

    public String getString(String key) {
        return (String) expect(key, GgufValueType.STRING).value();
    }

    public String getString(String key, String defaultValue) {
        return has(key) ? getString(key) : defaultValue;
    }

    /** Any integer type; a UINT64 above 2^63-1 does not fit and throws. */
    public long getLong(String key) {
        Entry e = entry(key);
        if (!e.type().isInteger()) {
            throw wrongType(key, "an integer", e);
        }
        long v = ((Number) e.value()).longValue();
        if (e.type() == GgufValueType.UINT64 && v < 0) {
            throw new GgufMetadataException(key, "UINT64 value " + Long.toUnsignedString(v) + " does not fit in a long");
        }
        return v;
    }

    public long getLong(String key, long defaultValue) {
        return has(key) ? getLong(key) : defaultValue;
    }

    /** Any integer type whose value fits in an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new GgufMetadataException(key, typeOf(key) + " value " + v + " does not fit in an int");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    /** FLOAT32, FLOAT64 (rounded to float) or any integer type. */
    public float getFloat(String key) {
        Entry e = entry(key);
        return switch (e.type()) {
            case FLOAT32 -> (Float) e.value();
            case FLOAT64 -> (float) (double) (Double) e.value();
            case UINT64 -> unsignedToFloat((Long) e.value());
            default -> {
                if (!e.type().isInteger()) {
                    throw wrongType(key, "a number", e);
                }
                yield ((Number) e.value()).floatValue();
            }
        };
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBoolean(String key) {
        return (Boolean) expect(key, GgufValueType.BOOL).value();
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return has(key) ? getBoolean(key) : defaultValue;
    }

    /** An array of strings (a copy). */
    public String[] getStringArray(String key) {
        return ((String[]) array(key, GgufValueType.STRING, "an array of STRING").values()).clone();
    }

    /** An array of FLOAT32, FLOAT64 or integers, as floats (a copy). */
    public float[] getFloatArray(String key) {
        GgufArray a = array(key, null, "an array of numbers");
        return switch (a.values()) {
            case float[] f -> f.clone();
            case double[] d -> {
                float[] out = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    out[i] = (float) d[i];
                }
                yield out;
            }
            default -> {
                if (!a.elementType().isInteger()) {
                    throw wrongArray(key, "an array of numbers", a);
                }
                float[] out = new float[a.length()];
                for (int i = 0; i < out.length; i++) {
                    long v = integerAt(a, i);
                    out[i] = a.elementType() == GgufValueType.UINT64 ? unsignedToFloat(v) : v;
                }
                yield out;
            }
        };
    }

    /** An array of any integer type whose values all fit in an int (a copy); token types are read this way. */
    public int[] getIntArray(String key) {
        GgufArray a = array(key, null, "an array of integers");
        if (!a.elementType().isInteger()) {
            throw wrongArray(key, "an array of integers", a);
        }
        if (a.values() instanceof int[] ints && a.elementType() == GgufValueType.INT32) {
            return ints.clone();
        }
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long v = integerAt(a, i);
            boolean fits = a.elementType() == GgufValueType.UINT64 ? v >= 0 && v <= Integer.MAX_VALUE : v == (int) v;
            if (!fits) {
                throw new GgufMetadataException(key, "element " + i + " of the " + a.elementType() + " array ("
                        + (a.elementType() == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v) + ") does not fit in an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** An array of BOOL (a copy). */
    public boolean[] getBooleanArray(String key) {
        return ((boolean[]) array(key, GgufValueType.BOOL, "an array of BOOL").values()).clone();
    }

    /** The array under {@code key}, whatever its element type. */
    public GgufArray getArray(String key) {
        return array(key, null, "an array");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((k, e) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            String v = String.valueOf(e.value());
            sb.append(k).append('=').append(v.length() > 80 ? v.substring(0, 80) + "..." : v);
        });
        return sb.append('}').toString();
    }

    Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    private Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new GgufMetadataException(key, "missing");
        }
        return e;
    }

    private Entry expect(String key, GgufValueType type) {
        Entry e = entry(key);
        if (e.type() != type) {
            throw wrongType(key, type.toString(), e);
        }
        return e;
    }

    private GgufArray array(String key, GgufValueType elementType, String expected) {
        Entry e = entry(key);
        if (e.type() != GgufValueType.ARRAY) {
            throw wrongType(key, expected, e);
        }
        GgufArray a = (GgufArray) e.value();
        if (elementType != null && a.elementType() != elementType) {
            throw wrongArray(key, expected, a);
        }
        return a;
    }

    private static GgufMetadataException wrongType(String key, String expected, Entry actual) {
        String got = actual.type() == GgufValueType.ARRAY
                ? "an array of " + ((GgufArray) actual.value()).elementType()
                : actual.type().toString();
        return new GgufMetadataException(key, "expected " + expected + ", got " + got);
    }

    private static GgufMetadataException wrongArray(String key, String expected, GgufArray actual) {
        return new GgufMetadataException(key, "expected " + expected + ", got an array of " + actual.elementType());
    }

    /** Element {@code i} of an integer array, as the number it stands for (UINT64: raw bits). */
    static long integerAt(GgufArray a, int i) {
        return switch (a.values()) {
            case byte[] v -> v[i];
            case short[] v -> v[i];
            case int[] v -> v[i];
            case long[] v -> v[i];
            default -> throw new IllegalStateException("not an integer array: " + a.elementType());
        };
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
    }
}
