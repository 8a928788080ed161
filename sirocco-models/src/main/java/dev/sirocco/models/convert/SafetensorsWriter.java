package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file: tensors in insertion order, the JSON header padded with spaces to a multiple of 8
 * bytes (as the reference implementation does, so the data is aligned).
 */
public final class SafetensorsWriter {
    private record Entry(String name, SafetensorsDtype dtype, long[] shape, byte[] bytes) {}

    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** A tensor whose little-endian {@code bytes} are already encoded as {@code dtype}; shape in PyTorch order. */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, byte[] bytes) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.size() != bytes.length) {
            throw new IllegalArgumentException(name + ": " + dtype + " " + java.util.Arrays.toString(shape) + " needs "
                    + n * dtype.size() + " bytes, got " + bytes.length);
        }
        tensors.put(name, new Entry(name, dtype, shape.clone(), bytes));
        return this;
    }

    /** Encodes {@code values} as {@code dtype} (F16 and BF16 rounded to nearest even). */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(dev.sirocco.engine.tensor.quant.HalfFloat.floatToHalf(v));
                case BF16 -> b.putShort(dev.sirocco.engine.tensor.quant.HalfFloat.floatToBf16(v));
            }
        }
        return add(name, dtype, shape, b.array());
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path path) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Entry e : tensors.values()) {
            header.put(e.name(), Map.of("dtype", e.dtype().name(), "shape", e.shape(),
                    "data_offsets", List.of(offset, offset + e.bytes().length)));
            offset += e.bytes().length;
        }
        StringBuilder json = new StringBuilder(new ObjectMapper().writeValueAsString(header));
        while ((json.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
            json.append(' ');
        }
        byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Entry e : tensors.values()) {
                out.write(e.bytes());
            }
        }
    }
}
