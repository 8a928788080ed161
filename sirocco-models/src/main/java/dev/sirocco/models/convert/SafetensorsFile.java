package dev.sirocco.models.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A safetensors file mapped once: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}), then the data, to
 * which the offsets are relative. Nothing the header says is trusted: its length must fit the file, the JSON must
 * parse, each dtype must be one we read, each shape must multiply to the byte count without overflow, each range
 * must lie inside the data, and no two ranges may overlap.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation refuses headers over 100 MB; so do we. */
    static final long MAX_HEADER = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Arena arena;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, Map<String, SafetensorsTensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsFormatException(path, "it is " + size + " bytes long, shorter than the 8-byte header length");
            }
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw new SafetensorsFormatException(path, "header length " + Long.toUnsignedString(n) + " at offset 0 does not fit"
                        + " (file of " + size + " bytes, at most " + MAX_HEADER + ")");
            }
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(map.asSlice(8, n).asByteBuffer()).toString();
            } catch (CharacterCodingException e) {
                throw new SafetensorsFormatException(path, "the header is not UTF-8");
            }
            MemorySegment data = map.asSlice(8 + n);
            SafetensorsFile f = parse(path, arena, header, data);
            arena = null; // owned by f now
            return f;
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static SafetensorsFile parse(Path path, Arena arena, String header, MemorySegment data) {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(path, "the header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException(path, "the header is not a JSON object");
        }
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode t = e.getValue();
            if (name.equals("__metadata__")) {
                t.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String where = "tensor '" + name + "'";
            String dtypeName = t.path("dtype").asText("");
            SafetensorsDtype dtype;
            try {
                dtype = SafetensorsDtype.valueOf(dtypeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new SafetensorsFormatException(path, where + " has dtype '" + dtypeName + "'; only F32, F16 and BF16 are converted");
            }
            JsonNode shapeNode = t.path("shape");
            JsonNode offsets = t.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new SafetensorsFormatException(path, where + " needs a shape array and data_offsets [begin, end]");
            }
            long[] shape = new long[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.canConvertToLong() || d.asLong() < 0) {
                    throw new SafetensorsFormatException(path, where + " has shape " + shapeNode + " with an invalid dimension");
                }
                shape[i] = d.asLong();
                try {
                    elements = Math.multiplyExact(elements, shape[i]);
                } catch (ArithmeticException ex) {
                    throw new SafetensorsFormatException(path, where + " has shape " + shapeNode + ", too large");
                }
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (!offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong() || begin < 0 || end < begin
                    || end > data.byteSize()) {
                throw new SafetensorsFormatException(path, where + " has data_offsets " + offsets + " outside the "
                        + data.byteSize() + " bytes of data");
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(elements, dtype.size());
            } catch (ArithmeticException ex) {
                throw new SafetensorsFormatException(path, where + " is too large");
            }
            if (end - begin != bytes) {
                throw new SafetensorsFormatException(path, where + " " + dtype + shapeNode + " needs " + bytes
                        + " bytes but data_offsets " + offsets + " give " + (end - begin));
            }
            ranges.add(new long[] {begin, end, tensors.size()});
            tensors.put(name, new SafetensorsTensor(name, dtype, shape, data.asSlice(begin, bytes)));
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<String> names = new ArrayList<>(tensors.keySet());
        for (int i = 1; i < ranges.size(); i++) {
            long[] a = ranges.get(i - 1);
            long[] b = ranges.get(i);
            if (b[0] < a[1]) {
                throw new SafetensorsFormatException(path, "tensors '" + names.get((int) a[2]) + "' and '"
                        + names.get((int) b[2]) + "' overlap (bytes " + b[0] + " to " + a[1] + ")");
            }
        }
        return new SafetensorsFile(path, arena, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        arena.close();
    }
}
