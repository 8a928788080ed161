package dev.sirocco.engine.gguf;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a GGUF v3 file (as llama.cpp's gguf_write_to_file lays it out): metadata in insertion order,
 * then tensors in insertion order, each aligned to {@link #alignment(int)}. Tensor bytes come from a
 * segment or are streamed by a {@link TensorFiller} straight into a memory map of the output, so writing
 * a multi-gigabyte model never holds all its tensors in memory. The file appears atomically (temp + rename).
 */
public final class GgufWriter {

    /** ggml's GGML_MAX_NAME: llama.cpp rejects tensor names of 64 bytes or more. */
    static final int MAX_TENSOR_NAME_BYTES = 63;

    private record PendingTensor(String name, GgmlType type, long[] shape, long byteSize, MemorySegment data,
                                 TensorFiller filler) {}

    private final LinkedHashMap<String, GgufMetadata.Entry> kv = new LinkedHashMap<>();
    private final LinkedHashMap<String, PendingTensor> tensors = new LinkedHashMap<>();
    private long alignment = GgufReader.DEFAULT_ALIGNMENT;
    private int version = 3;

    /** A writer for GGUF v3 with the default alignment of 32 bytes. */
    public GgufWriter() {}

    /**
     * Aligns the data section and every tensor to {@code bytes} (a power of two). A value other than 32 is
     * recorded as {@code general.alignment}, as readers expect.
     */
    public GgufWriter alignment(int bytes) {
        if (bytes <= 0 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + bytes);
        }
        alignment = bytes;
        if (bytes != GgufReader.DEFAULT_ALIGNMENT || kv.containsKey(GgufReader.ALIGNMENT_KEY)) {
            kv.put(GgufReader.ALIGNMENT_KEY, new GgufMetadata.Entry(GgufValueType.UINT32, (long) bytes));
        }
        return this;
    }

    /** Writes the given GGUF version instead of 3 (2 and 3 share one little-endian layout); for tests of v2 readers. */
    GgufWriter version(int v) {
        if (v != 2 && v != 3) {
            throw new IllegalArgumentException("only GGUF versions 2 and 3 can be written, got " + v);
        }
        version = v;
        return this;
    }

    // ---- metadata: a key given twice keeps its first position and takes the new value ----

    public GgufWriter putString(String key, String v) {
        return putValue(key, GgufValueType.STRING, v);
    }

    public GgufWriter putBool(String key, boolean v) {
        return putValue(key, GgufValueType.BOOL, v);
    }

    public GgufWriter putU8(String key, int v) {
        return putValue(key, GgufValueType.UINT8, v);
    }

    public GgufWriter putI8(String key, int v) {
        return putValue(key, GgufValueType.INT8, v);
    }

    public GgufWriter putU16(String key, int v) {
        return putValue(key, GgufValueType.UINT16, v);
    }

    public GgufWriter putI16(String key, int v) {
        return putValue(key, GgufValueType.INT16, v);
    }

    public GgufWriter putU32(String key, long v) {
        return putValue(key, GgufValueType.UINT32, v);
    }

    public GgufWriter putI32(String key, int v) {
        return putValue(key, GgufValueType.INT32, v);
    }

    /** {@code v} is taken as 64 unsigned bits (values above 2^63-1 are negative longs). */
    public GgufWriter putU64(String key, long v) {
        return putValue(key, GgufValueType.UINT64, v);
    }

    public GgufWriter putI64(String key, long v) {
        return putValue(key, GgufValueType.INT64, v);
    }

    public GgufWriter putF32(String key, float v) {
        return putValue(key, GgufValueType.FLOAT32, v);
    }

    public GgufWriter putF64(String key, double v) {
        return putValue(key, GgufValueType.FLOAT64, v);
    }

    public GgufWriter putStringArray(String key, String[] v) {
        return putArray(key, new GgufArray(GgufValueType.STRING, v.clone()));
    }

    public GgufWriter putF32Array(String key, float[] v) {
        return putArray(key, new GgufArray(GgufValueType.FLOAT32, v.clone()));
    }

    public GgufWriter putF64Array(String key, double[] v) {
        return putArray(key, new GgufArray(GgufValueType.FLOAT64, v.clone()));
    }

    public GgufWriter putI8Array(String key, byte[] v) {
        return putArray(key, new GgufArray(GgufValueType.INT8, v.clone()));
    }

    public GgufWriter putI32Array(String key, int[] v) {
        return putArray(key, new GgufArray(GgufValueType.INT32, v.clone()));
    }

    public GgufWriter putI64Array(String key, long[] v) {
        return putArray(key, new GgufArray(GgufValueType.INT64, v.clone()));
    }

    public GgufWriter putU32Array(String key, long[] v) {
        return putArray(key, new GgufArray(GgufValueType.UINT32, v.clone()));
    }

    /** UINT32 elements from ints, which must not be negative (Java has no unsigned int). */
    public GgufWriter putU32Array(String key, int[] v) {
        long[] widened = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0) {
                throw new IllegalArgumentException("metadata key '" + key + "': UINT32 element " + i + " is negative: " + v[i]);
            }
            widened[i] = v[i];
        }
        return putArray(key, new GgufArray(GgufValueType.UINT32, widened));
    }

    public GgufWriter putBoolArray(String key, boolean[] v) {
        return putArray(key, new GgufArray(GgufValueType.BOOL, v.clone()));
    }

    /**
     * Any array, including nested ones; it is validated now and must not be modified afterwards.
     * Nested arrays are valid GGUF (gguf-py reads and writes them) but llama.cpp's loader rejects them
     * ("invalid GGUF type 9"): keep them out of files meant for llama.cpp.
     */
    public GgufWriter putArray(String key, GgufArray v) {
        return putValue(key, GgufValueType.ARRAY, v);
    }

    /**
     * Puts a value of any type. Accepts what {@link GgufMetadata#get} returns (so metadata can be copied from
     * file to file) and, for integer types, any integral {@link Number} in range; arrays as {@link GgufArray}.
     */
    public GgufWriter putValue(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys must not be empty");
        }
        requireWellFormed(key, "metadata key '" + key + "'", -1);
        Object normalized = normalize(key, type, value, "");
        if (key.equals(GgufReader.ALIGNMENT_KEY)) {
            if (type != GgufValueType.UINT32) {
                throw new IllegalArgumentException(GgufReader.ALIGNMENT_KEY + " must be UINT32 (as llama.cpp requires), got " + type);
            }
            long a = (Long) normalized;
            if (a == 0 || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException(GgufReader.ALIGNMENT_KEY + " must be a power of two, got " + a);
            }
            alignment = a;
        }
        kv.put(key, new GgufMetadata.Entry(type, normalized));
        return this;
    }

    /** Copies every key of {@code metadata}, in its order (values already present are replaced in place). */
    public GgufWriter putAll(GgufMetadata metadata) {
        for (Map.Entry<String, GgufMetadata.Entry> e : metadata.entries().entrySet()) {
            putValue(e.getKey(), e.getValue().type(), e.getValue().value());
        }
        return this;
    }

    // ---- tensors, written in insertion order ----

    /** A tensor whose bytes, already encoded in {@code type}, are in {@code data} (read when {@link #write} runs). */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        long bytes = checkTensor(name, type, shape);
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "' " + type + Arrays.toString(shape) + " needs "
                    + bytes + " bytes, got " + data.byteSize());
        }
        tensors.put(name, new PendingTensor(name, type, shape.clone(), bytes, data, null));
        return this;
    }

    /** A tensor whose bytes {@code filler} writes into the output when {@link #write} runs. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorFiller filler) {
        long bytes = checkTensor(name, type, shape);
        tensors.put(name, new PendingTensor(name, type, shape.clone(), bytes, null, Objects.requireNonNull(filler, "filler")));
        return this;
    }

    /** Writes the file to a temporary file beside {@code path}, then renames it over {@code path}. */
    public void write(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        Bytes header = new Bytes();
        header.u32(GgufReader.MAGIC);
        header.u32(version);
        header.u64(tensors.size());
        header.u64(kv.size());
        for (Map.Entry<String, GgufMetadata.Entry> e : kv.entrySet()) {
            header.string(e.getKey());
            header.u32(e.getValue().type().id());
            writeValue(header, e.getValue().type(), e.getValue().value());
        }
        long[] offsets = new long[tensors.size()];
        long dataSize = 0;
        int i = 0;
        for (PendingTensor t : tensors.values()) {
            header.string(t.name());
            header.u32(t.shape().length);
            for (long d : t.shape()) {
                header.u64(d);
            }
            header.u32(t.type().id());
            offsets[i++] = dataSize;
            header.u64(dataSize);
            // llama.cpp pads after every tensor, the last one included.
            dataSize = alignUp(dataSize + t.byteSize(), alignment);
        }
        long dataOffset = alignUp(header.length(), alignment);
        long total = dataOffset + dataSize;

        // Not Files.createTempFile: its owner-only permissions would stay with the model after the rename.
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
        FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        boolean done = false;
        try {
            try (out) {
                ByteBuffer head = ByteBuffer.wrap(header.array(), 0, header.length());
                while (head.hasRemaining()) {
                    out.write(head, head.position());
                }
                if (dataSize > 0) {
                    writeTensors(out, dataOffset, dataSize, offsets);
                }
                if (out.size() < total) {
                    out.write(ByteBuffer.allocate(1), total - 1); // the file grows with zeros up to here
                }
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Maps the data section once and copies or streams each tensor into its slice; padding stays zero. */
    private void writeTensors(FileChannel out, long dataOffset, long dataSize, long[] offsets) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = out.map(FileChannel.MapMode.READ_WRITE, dataOffset, dataSize, arena);
            int i = 0;
            for (PendingTensor t : tensors.values()) {
                MemorySegment dst = data.asSlice(offsets[i++], t.byteSize());
                if (t.data() != null) {
                    MemorySegment.copy(t.data(), 0, dst, 0, t.byteSize());
                } else {
                    t.filler().fill(dst);
                }
            }
            data.force();
        }
    }

    private long checkTensor(String name, GgmlType type, long[] shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor names must not be empty");
        }
        requireWellFormed(name, "tensor name '" + name + "'", -1);
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than " + MAX_TENSOR_NAME_BYTES
                    + " bytes, which llama.cpp rejects");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' needs 1.." + GgufReader.MAX_DIMS
                    + " dimensions, got " + shape.length);
        }
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a dimension <= 0: " + Arrays.toString(shape));
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape[0]
                    + " is not a multiple of " + type + "'s block size " + type.blockSize());
        }
        return Math.multiplyExact(Tensor.elementCount(shape) / type.blockSize(), (long) type.typeSize());
    }

    // ---- values ----

    /** Checks {@code value} against {@code type} and returns it in the form {@link GgufMetadata#get} uses. */
    private static Object normalize(String key, GgufValueType type, Object value, String where) {
        if (value == null) {
            throw new IllegalArgumentException("metadata key '" + key + "'" + where + ": null value");
        }
        return switch (type) {
            case UINT8 -> (short) integer(key, type, value, where, 0, 0xFF);
            case INT8 -> (byte) integer(key, type, value, where, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16 -> (int) integer(key, type, value, where, 0, 0xFFFF);
            case INT16 -> (short) integer(key, type, value, where, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT32 -> integer(key, type, value, where, 0, 0xFFFFFFFFL);
            case INT32 -> (int) integer(key, type, value, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT64, INT64 -> integer(key, type, value, where, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32 -> value instanceof Number n ? n.floatValue() : mismatch(key, type, value, where);
            case FLOAT64 -> value instanceof Number n ? n.doubleValue() : mismatch(key, type, value, where);
            case BOOL -> value instanceof Boolean b ? b : mismatch(key, type, value, where);
            case STRING -> {
                if (!(value instanceof String s)) {
                    yield mismatch(key, type, value, where);
                }
                requireWellFormed(s, "metadata key '" + key + "'" + where, -1);
                yield s;
            }
            case ARRAY -> {
                if (!(value instanceof GgufArray a)) {
                    yield mismatch(key, type, value, where);
                }
                checkArray(key, a, where);
                yield a;
            }
        };
    }

    private static void checkArray(String key, GgufArray a, String where) {
        int n = a.length();
        switch (a.elementType()) {
            case UINT8, UINT16, UINT32 -> {
                long max = a.elementType() == GgufValueType.UINT8 ? 0xFF : a.elementType() == GgufValueType.UINT16 ? 0xFFFF : 0xFFFFFFFFL;
                for (int i = 0; i < n; i++) {
                    long v = GgufMetadata.integerAt(a, i);
                    if (v < 0 || v > max) {
                        throw new IllegalArgumentException("metadata key '" + key + "'" + where + "[" + i + "]: "
                                + v + " is out of range for " + a.elementType());
                    }
                }
            }
            case STRING -> {
                // Checked inline: naming each element up front would cost more than the check (vocabularies).
                String[] s = (String[]) a.values();
                for (int i = 0; i < n; i++) {
                    if (s[i] == null) {
                        throw new IllegalArgumentException("metadata key '" + key + "'" + where + "[" + i + "]: null value");
                    }
                    requireWellFormed(s[i], "metadata key '" + key + "'" + where, i);
                }
            }
            case ARRAY -> {
                GgufArray[] nested = (GgufArray[]) a.values();
                for (int i = 0; i < n; i++) {
                    normalize(key, GgufValueType.ARRAY, nested[i], where + "[" + i + "]");
                }
            }
            default -> { } // every bit pattern of the other element types is valid
        }
    }

    private static long integer(String key, GgufValueType type, Object value, String where, long min, long max) {
        if (!(value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long)) {
            mismatch(key, type, value, where);
        }
        long v = ((Number) value).longValue();
        if (v < min || v > max) {
            throw new IllegalArgumentException("metadata key '" + key + "'" + where + ": " + v + " is out of range for " + type);
        }
        return v;
    }

    private static <T> T mismatch(String key, GgufValueType type, Object value, String where) {
        throw new IllegalArgumentException("metadata key '" + key + "'" + where + ": a " + type + " value cannot be a "
                + value.getClass().getSimpleName());
    }

    /**
     * Rejects unpaired surrogates, which have no UTF-8 encoding (Java would write '?' silently);
     * {@code element >= 0} names an element of the array {@code what}.
     */
    private static void requireWellFormed(String s, String what, int element) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + (element >= 0 ? "[" + element + "]" : "")
                        + ": unpaired surrogate at index " + i + " has no UTF-8 encoding");
            }
        }
    }

    private static void writeValue(Bytes out, GgufValueType type, Object value) {
        switch (type) {
            case UINT8 -> out.u8((Short) value);
            case INT8 -> out.u8((Byte) value);
            case UINT16 -> out.u16((Integer) value);
            case INT16 -> out.u16((Short) value);
            case UINT32 -> out.u32((int) (long) (Long) value);
            case INT32 -> out.u32((Integer) value);
            case UINT64, INT64 -> out.u64((Long) value);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) value));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) value));
            case BOOL -> out.u8((Boolean) value ? 1 : 0);
            case STRING -> out.string((String) value);
            case ARRAY -> {
                GgufArray a = (GgufArray) value;
                out.u32(a.elementType().id());
                out.u64(a.length());
                switch (a.values()) {
                    case byte[] v -> { for (byte x : v) out.u8(x); }
                    case short[] v -> {
                        for (short x : v) {
                            if (a.elementType() == GgufValueType.UINT8) out.u8(x); else out.u16(x);
                        }
                    }
                    case int[] v -> {
                        for (int x : v) {
                            if (a.elementType() == GgufValueType.UINT16) out.u16(x); else out.u32(x);
                        }
                    }
                    case long[] v -> {
                        for (long x : v) {
                            if (a.elementType() == GgufValueType.UINT32) out.u32((int) x); else out.u64(x);
                        }
                    }
                    case float[] v -> { for (float x : v) out.u32(Float.floatToRawIntBits(x)); }
                    case double[] v -> { for (double x : v) out.u64(Double.doubleToRawLongBits(x)); }
                    case boolean[] v -> { for (boolean x : v) out.u8(x ? 1 : 0); }
                    case String[] v -> { for (String x : v) out.string(x); }
                    case GgufArray[] v -> {
                        for (GgufArray x : v) writeValue(out, GgufValueType.ARRAY, x);
                    }
                    default -> throw new AssertionError(a.values().getClass());
                }
            }
        }
    }

    private static long alignUp(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** A growable little-endian byte buffer for the header, metadata and tensor table. */
    private static final class Bytes {
        private byte[] a = new byte[4096];
        private int n;

        byte[] array() {
            return a;
        }

        int length() {
            return n;
        }

        private void room(int k) {
            if (a.length - n < k) {
                long want = Math.max((long) a.length * 2, (long) n + k);
                if (want > GgufReader.MAX_JAVA_ARRAY) {
                    throw new IllegalStateException("GGUF header and metadata over 2 GiB are not supported");
                }
                a = Arrays.copyOf(a, (int) want);
            }
        }

        void u8(int v) {
            room(1);
            a[n++] = (byte) v;
        }

        void u16(int v) {
            room(2);
            a[n++] = (byte) v;
            a[n++] = (byte) (v >>> 8);
        }

        void u32(int v) {
            room(4);
            for (int i = 0; i < 4; i++) {
                a[n++] = (byte) (v >>> (8 * i));
            }
        }

        void u64(long v) {
            room(8);
            for (int i = 0; i < 8; i++) {
                a[n++] = (byte) (v >>> (8 * i));
            }
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            room(b.length);
            System.arraycopy(b, 0, a, n, b.length);
            n += b.length;
        }
    }
}
