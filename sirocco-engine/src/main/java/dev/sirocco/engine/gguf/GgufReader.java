package dev.sirocco.engine.gguf;

import dev.sirocco.engine.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the header, metadata and tensor table of a mapped GGUF file, checking every count, length,
 * type and offset against the bytes that remain BEFORE using it, so a truncated or hostile file fails
 * with a {@link GgufFormatException} (byte offset + field) and never allocates much more than its own size.
 */
final class GgufReader {

    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml's GGML_MAX_DIMS. */
    static final int MAX_DIMS = 4;
    /** Nested arrays are legal but never deep in practice; the cap keeps a hostile file from exhausting the stack. */
    static final int MAX_ARRAY_DEPTH = 16;
    /** Java arrays cannot be longer (the VM reserves a few header words). */
    static final int MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;

    // Smallest possible encodings, used to bound counts by the bytes left before allocating anything.
    private static final int MIN_KV_BYTES = 8 + 1 + 4 + 1;              // key length, 1-byte key, type, 1-byte value
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8; // name length, n_dims, one dim, type, offset
    private static final int MIN_STRING_BYTES = 8;                      // the length alone
    private static final int MIN_ARRAY_BYTES = 4 + 8;                   // element type and length

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What a successful parse yields. */
    record Parsed(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, long dataOffset, long alignment) {}

    private enum Section { HEADER, KV, TENSOR }

    /** A tensor info whose offset (relative to the data section) is not yet checked; fieldAt locates it. */
    private record PendingTensor(GgufTensorInfo info, long relativeOffset, long fieldAt) {}

    private final MemorySegment file;
    private final long size;
    private long pos;
    private byte[] scratch = new byte[0];
    private MemorySegment scratchSegment = MemorySegment.ofArray(scratch);

    // A heap copy of the bytes at and after pos. Decoding lengths and short strings from an array is far
    // cheaper than one segment access each while the JIT has not compiled the reader yet, and a vocabulary
    // holds 100k+ strings: opening one cold took ~0.9 s through the segment.
    private static final int WINDOW = 64 * 1024;
    private final byte[] window = new byte[WINDOW];
    private final MemorySegment windowSegment = MemorySegment.ofArray(window);
    private long windowStart;
    private int windowLength;

    // Where we are, so a field name (kv['tokenizer.ggml.tokens'].value[17].length) is built only when an
    // error needs it: a vocabulary has 100k+ strings, and naming each eagerly would allocate more than the file.
    private Section section = Section.HEADER;
    private long item;
    private String key;
    private boolean inValue;
    private final long[] path = new long[MAX_ARRAY_DEPTH + 1];
    private int depth;

    private final long heapBudget = Runtime.getRuntime().maxMemory() / 4;

    private GgufReader(MemorySegment file) {
        this.file = file;
        this.size = file.byteSize();
    }

    static Parsed parse(MemorySegment file) throws GgufFormatException {
        return new GgufReader(file).parse();
    }

    private Parsed parse() throws GgufFormatException {
        int version = readMagicAndVersion();

        long nTensorsAt = pos;
        long nTensors = readU64("n_tensors");
        long nKvAt = pos;
        long nKv = readU64("n_kv");
        checkCount(nKvAt, "n_kv", nKv, MIN_KV_BYTES, "key-value pairs");
        checkCount(nTensorsAt, "n_tensors", nTensors, MIN_TENSOR_INFO_BYTES, "tensor infos");
        // Only files over 64 GiB of tables could pass the checks above with counts beyond Java's int indexes.
        if (nKv > MAX_JAVA_ARRAY) {
            throw error(nKvAt, "n_kv", "more than " + MAX_JAVA_ARRAY + " key-value pairs are not supported, got " + nKv);
        }
        if (nTensors > MAX_JAVA_ARRAY) {
            throw error(nTensorsAt, "n_tensors", "more than " + MAX_JAVA_ARRAY + " tensors are not supported, got " + nTensors);
        }

        // Counts bounded by the file size can still be huge for a model file that is mostly tensor data:
        // collections start small and grow only with entries actually read.
        LinkedHashMap<String, GgufMetadata.Entry> entries = LinkedHashMap.newLinkedHashMap((int) Math.min(nKv, 1024));
        long alignment = readMetadata(nKv, entries);

        // Tensor table; offsets are checked once the data section's start is known.
        section = Section.TENSOR;
        List<PendingTensor> infos = new ArrayList<>((int) Math.min(nTensors, 1024));
        Set<String> names = HashSet.newHashSet((int) Math.min(nTensors, 1024));
        for (int i = 0; i < nTensors; i++) {
            item = i;
            infos.add(readTensorInfo(names));
        }

        // gguf.cpp pads to the alignment before the data section only when there are tensors.
        section = Section.HEADER;
        long dataOffset = pos;
        if (nTensors > 0) {
            dataOffset = (pos + alignment - 1) / alignment * alignment;
            if (dataOffset > size) {
                throw error(pos, "data_section", "the header ends at byte " + pos + "; padded to the alignment of "
                        + alignment + " the data section would start at byte " + dataOffset
                        + ", past the end of the file (" + size + " bytes)" + TRUNCATED);
            }
        }
        List<GgufTensorInfo> placed = placeTensors(infos, dataOffset, alignment);
        return new Parsed(version, new GgufMetadata(entries), placed, dataOffset, alignment);
    }

    private int readMagicAndVersion() throws GgufFormatException {
        need(4, "magic");
        int magic = file.get(U32, 0);
        if (magic != MAGIC) {
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                int c = file.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
                shown.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
            throw error(0, "magic", "expected 'GGUF', got '" + shown + "' (not a GGUF file)");
        }
        pos = 4;
        long version = readU32("version");
        if (version == 1) {
            throw error(4, "version", "GGUF v1 is not supported (it used 32-bit counts); "
                    + "convert the file with a current llama.cpp");
        }
        if (version != 0 && (version & 0xFFFF) == 0) {
            throw error(4, "version", "got " + version + ", which looks byte-swapped: big-endian GGUF files are not supported");
        }
        if (version != 2 && version != 3) {
            throw error(4, "version", "expected 2 or 3, got " + version);
        }
        return (int) version;
    }

    /** Reads {@code nKv} key-value pairs into {@code entries}; returns the alignment they declare. */
    private long readMetadata(long nKv, LinkedHashMap<String, GgufMetadata.Entry> entries) throws GgufFormatException {
        section = Section.KV;
        long alignment = DEFAULT_ALIGNMENT;
        for (long i = 0; i < nKv; i++) {
            item = i;
            key = null;
            long keyAt = pos;
            String k = readString(".key");
            if (k.isEmpty()) {
                throw error(keyAt, ".key", "keys must not be empty" + CORRUPTED);
            }
            if (entries.containsKey(k)) {
                throw error(keyAt, ".key", "duplicate key '" + shorten(k) + "'");
            }
            key = k;
            long typeAt = pos;
            GgufValueType type = readValueType(".type");
            long valueAt = pos;
            inValue = true;
            Object value = readValue(type);
            inValue = false;
            if (k.equals(ALIGNMENT_KEY)) {
                // gguf.cpp requires UINT32 here; a power of two keeps offsets computable.
                if (type != GgufValueType.UINT32) {
                    throw error(typeAt, ".type", "expected UINT32, got " + type);
                }
                alignment = (Long) value;
                if (alignment == 0 || Long.bitCount(alignment) != 1) {
                    inValue = true;
                    throw error(valueAt, "", "expected a power of two, got " + alignment);
                }
            }
            entries.put(k, new GgufMetadata.Entry(type, value));
        }
        key = null;
        return alignment;
    }

    private PendingTensor readTensorInfo(Set<String> names) throws GgufFormatException {
        long nameAt = pos;
        String name = readString(".name");
        if (!names.add(name)) {
            throw error(nameAt, ".name", "duplicate tensor name '" + shorten(name) + "'");
        }
        long nDimsAt = pos;
        long nDims = readU32(".n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw error(nDimsAt, ".n_dims", "expected 1.." + MAX_DIMS + ", got " + nDims + CORRUPTED);
        }
        long[] shape = new long[(int) nDims];
        long firstDimAt = pos;
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimAt = pos;
            shape[d] = readU64(DIM_FIELDS[d]);
            if (shape[d] <= 0) {
                throw error(dimAt, DIM_FIELDS[d], "expected a dimension > 0, got "
                        + Long.toUnsignedString(shape[d]) + CORRUPTED);
            }
            if (Math.multiplyHigh(elements, shape[d]) != 0 || elements * shape[d] < 0) {
                throw error(dimAt, DIM_FIELDS[d], "the element count of shape "
                        + Arrays.toString(Arrays.copyOf(shape, d + 1)) + " overflows 63 bits" + CORRUPTED);
            }
            elements *= shape[d];
        }
        long typeAt = pos;
        long typeId = readU32(".type");
        GgmlType type = typeId <= Integer.MAX_VALUE ? GgmlType.byId((int) typeId) : null;
        if (type == null) {
            String ggmlName = GGML_ONLY_TYPES.get(typeId);
            throw error(typeAt, ".type", ggmlName != null
                    ? "ggml type id " + typeId + " (" + ggmlName + ") is not supported by Sirocco"
                    : "unknown ggml type id " + typeId + CORRUPTED);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw error(firstDimAt, ".dims[0]", "row length " + shape[0] + " is not a multiple of "
                    + type + "'s block size " + type.blockSize() + CORRUPTED);
        }
        long blocks = elements / type.blockSize();
        if (blocks > Long.MAX_VALUE / type.typeSize()) {
            throw error(typeAt, ".type", "the byte size of " + type + Arrays.toString(shape) + " overflows 63 bits" + CORRUPTED);
        }
        long offsetAt = pos;
        long relative = readU64(".offset");
        return new PendingTensor(new GgufTensorInfo(name, type, shape, 0, blocks * type.typeSize()), relative, offsetAt);
    }

    /** Turns data-section offsets into absolute ones, checking alignment, bounds and overlap. */
    private List<GgufTensorInfo> placeTensors(List<PendingTensor> infos, long dataOffset, long alignment)
            throws GgufFormatException {
        section = Section.TENSOR;
        long dataSize = size - dataOffset;
        long[] rel = new long[infos.size()];
        long[] fieldAt = new long[infos.size()];
        List<GgufTensorInfo> placed = new ArrayList<>(infos.size());
        for (int i = 0; i < infos.size(); i++) {
            item = i;
            GgufTensorInfo t = infos.get(i).info();
            rel[i] = infos.get(i).relativeOffset();
            fieldAt[i] = infos.get(i).fieldAt();
            if (rel[i] < 0 || rel[i] > dataSize) {
                throw error(fieldAt[i], ".offset", "tensor '" + shorten(t.name()) + "' at data offset " + Long.toUnsignedString(rel[i])
                        + " starts past the end of the data section (" + dataSize + " bytes)" + CORRUPTED);
            }
            if (rel[i] % alignment != 0) {
                throw error(fieldAt[i], ".offset", "tensor '" + shorten(t.name()) + "' at data offset " + rel[i]
                        + " is not a multiple of the alignment " + alignment + CORRUPTED);
            }
            long start = dataOffset + rel[i];
            if (t.byteSize() > size - start) {
                throw error(fieldAt[i], ".offset", "tensor '" + shorten(t.name()) + "' needs " + t.byteSize() + " bytes from byte " + start
                        + ", past the end of the file (" + size + " bytes)" + TRUNCATED);
            }
            placed.add(new GgufTensorInfo(t.name(), t.type(), t.shape(), start, t.byteSize()));
        }
        Integer[] order = new Integer[placed.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> placed.get(i).offset()));
        for (int k = 1; k < order.length; k++) {
            GgufTensorInfo prev = placed.get(order[k - 1]);
            GgufTensorInfo cur = placed.get(order[k]);
            if (cur.offset() < prev.offset() + prev.byteSize()) {
                item = order[k];
                throw error(fieldAt[order[k]], ".offset", "tensor '" + shorten(cur.name()) + "' (bytes "
                        + cur.offset() + ".." + (cur.offset() + cur.byteSize()) + ") overlaps tensor '"
                        + shorten(prev.name()) + "' (bytes " + prev.offset() + ".." + (prev.offset() + prev.byteSize())
                        + ")" + CORRUPTED);
            }
        }
        return placed;
    }

    private GgufValueType readValueType(String suffix) throws GgufFormatException {
        long at = pos;
        long id = readU32(suffix);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw error(at, suffix, "unknown value type id " + id + " (expected 0..12)" + CORRUPTED);
        }
        return type;
    }

    /** One scalar or array value, named {@code kv[..].value} followed by the current array path. */
    private Object readValue(GgufValueType type) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> (short) (readSmall(1) & 0xFF);
            case INT8 -> (byte) readSmall(1);
            case UINT16 -> (int) (readSmall(2) & 0xFFFF);
            case INT16 -> (short) readSmall(2);
            case UINT32 -> readU32("");
            case INT32 -> (int) readU32("");
            case UINT64, INT64 -> readU64("");
            case FLOAT32 -> Float.intBitsToFloat((int) readU32(""));
            case FLOAT64 -> Double.longBitsToDouble(readU64(""));
            case BOOL -> {
                long at = pos;
                long b = readSmall(1);
                if (b != 0 && b != 1) {
                    throw error(at, "", "expected a BOOL of 0 or 1, got " + b + CORRUPTED);
                }
                yield b == 1;
            }
            case STRING -> readString("");
            case ARRAY -> readArray();
        };
    }

    private GgufArray readArray() throws GgufFormatException {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw error(pos, ".element_type", "arrays nested deeper than " + MAX_ARRAY_DEPTH
                    + " levels are not supported" + CORRUPTED);
        }
        GgufValueType type = readValueType(".element_type");
        long lengthAt = pos;
        long n = readU64(".length");
        int minBytes = switch (type) {
            case STRING -> MIN_STRING_BYTES;
            case ARRAY -> MIN_ARRAY_BYTES;
            default -> type.fixedSize();
        };
        long remaining = size - pos;
        if (n < 0 || n > remaining / minBytes) {
            throw error(lengthAt, ".length", "an array of " + Long.toUnsignedString(n) + " " + type + " needs at least "
                    + (n < 0 || n > Long.MAX_VALUE / minBytes ? "more than " + Long.MAX_VALUE : String.valueOf(n * minBytes))
                    + " bytes, but only " + remaining + " remain" + CORRUPTED);
        }
        if (n > MAX_JAVA_ARRAY) {
            throw error(lengthAt, ".length", "arrays of more than " + MAX_JAVA_ARRAY + " elements are not supported, got " + n);
        }
        int javaElementBytes = switch (type) {
            case INT8, BOOL -> 1;
            case UINT8, INT16 -> 2;
            case UINT16, INT32, FLOAT32, STRING, ARRAY -> 4; // references count 4 bytes with compressed oops
            case UINT32, INT64, UINT64, FLOAT64 -> 8;
        };
        checkHeap(n * javaElementBytes, lengthAt, ".length", type);
        int len = (int) n;
        if (len == 0) {
            return GgufArray.empty(type);
        }
        long at = pos;
        Object values = switch (type) {
            case INT8 -> {
                byte[] v = new byte[len];
                MemorySegment.copy(file, ValueLayout.JAVA_BYTE, at, v, 0, len);
                yield v;
            }
            case UINT8 -> {
                short[] v = new short[len];
                for (int i = 0; i < len; i++) {
                    v[i] = (short) (file.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF);
                }
                yield v;
            }
            case INT16 -> {
                short[] v = new short[len];
                MemorySegment.copy(file, U16, at, v, 0, len);
                yield v;
            }
            case UINT16 -> {
                int[] v = new int[len];
                for (int i = 0; i < len; i++) {
                    v[i] = file.get(U16, at + 2L * i) & 0xFFFF;
                }
                yield v;
            }
            case INT32 -> {
                int[] v = new int[len];
                MemorySegment.copy(file, U32, at, v, 0, len);
                yield v;
            }
            case UINT32 -> {
                long[] v = new long[len];
                for (int i = 0; i < len; i++) {
                    v[i] = file.get(U32, at + 4L * i) & 0xFFFFFFFFL;
                }
                yield v;
            }
            case INT64, UINT64 -> {
                long[] v = new long[len];
                MemorySegment.copy(file, U64, at, v, 0, len);
                yield v;
            }
            case FLOAT32 -> {
                float[] v = new float[len];
                MemorySegment.copy(file, F32, at, v, 0, len);
                yield v;
            }
            case FLOAT64 -> {
                double[] v = new double[len];
                MemorySegment.copy(file, F64, at, v, 0, len);
                yield v;
            }
            case BOOL -> {
                boolean[] v = new boolean[len];
                for (int i = 0; i < len; i++) {
                    byte b = file.get(ValueLayout.JAVA_BYTE, at + i);
                    if (b != 0 && b != 1) {
                        path[depth++] = i;
                        throw error(at + i, "", "expected a BOOL of 0 or 1, got " + (b & 0xFF) + CORRUPTED);
                    }
                    v[i] = b == 1;
                }
                yield v;
            }
            case STRING -> {
                String[] v = new String[len];
                depth++;
                for (int i = 0; i < len; i++) {
                    path[depth - 1] = i;
                    v[i] = readString("");
                }
                depth--;
                yield v;
            }
            case ARRAY -> {
                GgufArray[] v = new GgufArray[len];
                depth++;
                for (int i = 0; i < len; i++) {
                    path[depth - 1] = i;
                    v[i] = readArray();
                }
                depth--;
                yield v;
            }
        };
        if (type.fixedSize() > 0) {
            pos = at + n * type.fixedSize();
        }
        return new GgufArray(type, values);
    }

    /** A u64 byte length followed by that many bytes of UTF-8. */
    private String readString(String suffix) throws GgufFormatException {
        String lengthSuffix = switch (suffix) { // constants: this runs for every string of a vocabulary
            case "" -> ".length";
            case ".key" -> ".key.length";
            case ".name" -> ".name.length";
            default -> suffix + ".length";
        };
        long lengthAt = pos;
        long n = readU64(lengthSuffix);
        long remaining = size - pos;
        if (n < 0 || n > remaining) {
            throw error(lengthAt, lengthSuffix, "a string of " + Long.toUnsignedString(n) + " bytes, but only "
                    + remaining + " remain" + CORRUPTED);
        }
        if (n > MAX_JAVA_ARRAY) {
            throw error(lengthAt, lengthSuffix, "strings longer than " + MAX_JAVA_ARRAY + " bytes are not supported, got " + n);
        }
        checkHeap(3 * n, lengthAt, lengthSuffix, null); // scratch copy + String (+ UTF-16)
        int len = (int) n;
        long at = pos;
        pos += len;
        if (len == 0) {
            return "";
        }
        byte[] bytes;
        int from;
        if (len <= WINDOW) {
            bytes = window;
            from = windowIndex(at, len);
        } else {
            if (scratch.length < len) {
                scratch = new byte[len];
                scratchSegment = MemorySegment.ofArray(scratch);
            }
            MemorySegment.copy(file, at, scratchSegment, 0, len);
            bytes = scratch;
            from = 0;
        }
        int bad = Utf8.firstInvalid(bytes, from, len);
        if (bad >= 0) {
            throw error(at + bad, suffix, String.format("invalid UTF-8 (byte 0x%02x at position %d of %d)",
                    bytes[from + bad] & 0xFF, bad, len) + CORRUPTED);
        }
        return new String(bytes, from, len, StandardCharsets.UTF_8);
    }

    private long readU64(String suffix) throws GgufFormatException {
        return readLittleEndian(8, suffix);
    }

    private long readU32(String suffix) throws GgufFormatException {
        return readLittleEndian(4, suffix);
    }

    /** A 1- or 2-byte value of the current field, zero-extended. */
    private long readSmall(int n) throws GgufFormatException {
        return readLittleEndian(n, "");
    }

    /** An unsigned little-endian number of {@code n <= 8} bytes at pos (8 bytes: all 64 bits). */
    private long readLittleEndian(int n, String suffix) throws GgufFormatException {
        need(n, suffix);
        int i = windowIndex(pos, n);
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = v << 8 | (window[i + k] & 0xFF);
        }
        pos += n;
        return v;
    }

    /** The index in {@link #window} of file offset {@code at}, refilling it so that {@code n <= WINDOW} bytes follow. */
    private int windowIndex(long at, int n) {
        if (at < windowStart || at + n > windowStart + windowLength) {
            windowStart = at;
            windowLength = (int) Math.min(WINDOW, size - at);
            MemorySegment.copy(file, at, windowSegment, 0, windowLength);
        }
        return (int) (at - windowStart);
    }

    private void need(long n, String suffix) throws GgufFormatException {
        if (size - pos < n) {
            throw error(pos, suffix, "needs " + n + " bytes, but the file ends at byte " + size + TRUNCATED);
        }
    }

    /**
     * A length that the remaining bytes can hold may still be corrupt in a file that is mostly tensor data;
     * no real metadata value needs a quarter of the heap, so such a value fails here instead of as an OutOfMemoryError.
     */
    private void checkHeap(long bytes, long at, String suffix, GgufValueType arrayOf) throws GgufFormatException {
        if (bytes > heapBudget) {
            // The message is built only here: this runs for every string of a vocabulary.
            String what = arrayOf == null ? "a string" : "an array of " + arrayOf;
            throw error(at, suffix, what + " would need " + bytes + " bytes of heap, more than a quarter of the "
                    + "maximum heap (" + heapBudget + " bytes)" + CORRUPTED);
        }
    }

    private void checkCount(long at, String field, long count, int minBytes, String what) throws GgufFormatException {
        long remaining = size - pos;
        if (count < 0 || count > remaining / minBytes) {
            throw error(at, field, "expected at most " + remaining / minBytes + " " + what + " in the remaining "
                    + remaining + " bytes, got " + Long.toUnsignedString(count) + CORRUPTED);
        }
    }

    private GgufFormatException error(long at, String suffix, String message) {
        return new GgufFormatException(at, fieldName(suffix), message);
    }

    /** The current field, e.g. {@code kv['tokenizer.ggml.tokens'].value[17].length} or {@code tensor_infos[3].n_dims}. */
    private String fieldName(String suffix) {
        StringBuilder sb = new StringBuilder();
        switch (section) {
            case HEADER -> { }
            case KV -> sb.append(key == null ? "kv[" + item + "]" : "kv['" + shorten(key) + "']");
            case TENSOR -> sb.append("tensor_infos[").append(item).append(']');
        }
        if (inValue) {
            sb.append(".value");
            for (int i = 0; i < depth; i++) {
                sb.append('[').append(path[i]).append(']');
            }
        }
        return sb.append(suffix).toString();
    }

    /** Names of the ggml types (ggml.h) that {@link GgmlType} does not cover, by id, for clearer errors. */
    private static final Map<Long, String> GGML_ONLY_TYPES = Map.ofEntries(
            Map.entry(16L, "IQ2_XXS"), Map.entry(17L, "IQ2_XS"), Map.entry(18L, "IQ3_XXS"), Map.entry(19L, "IQ1_S"),
            Map.entry(20L, "IQ4_NL"), Map.entry(21L, "IQ3_S"), Map.entry(22L, "IQ2_S"), Map.entry(23L, "IQ4_XS"),
            Map.entry(29L, "IQ1_M"), Map.entry(34L, "TQ1_0"), Map.entry(35L, "TQ2_0"), Map.entry(39L, "MXFP4"),
            Map.entry(40L, "NVFP4"), Map.entry(41L, "Q1_0"), Map.entry(42L, "Q2_0"));

    private static final String[] DIM_FIELDS = {".dims[0]", ".dims[1]", ".dims[2]", ".dims[3]"};
    private static final String TRUNCATED = " (file truncated?)";
    private static final String CORRUPTED = " (file truncated or corrupted?)";

    /** Keys and names from a hostile file can be huge; messages show a prefix. */
    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
