package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sirocco.engine.gguf.TensorFiller;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a safetensors file: tensors in insertion order, the JSON header padded with spaces to a multiple of 8
 * bytes (as the reference implementation does, so the data is aligned); tensors given as bytes or streamed into the
 * output's memory map.
 */
public final class SafetensorsWriter {
    private record Entry(String name, SafetensorsDtype dtype, long[] shape, long byteSize, byte[] bytes, TensorFiller filler) {}

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
        tensors.put(name, new Entry(name, dtype, shape.clone(), bytes.length, bytes, null));
        return this;
    }

    /**
     * A tensor whose bytes {@code filler} writes straight into the output's memory map when {@link #write} runs,
     * so a large model is never held in memory.
     */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, TensorFiller filler) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        tensors.put(name, new Entry(name, dtype, shape.clone(), n * dtype.size(), null, filler));
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

    /** Writes to a temporary file beside {@code path}, then renames it over {@code path}. */
    public void write(Path path) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Entry e : tensors.values()) {
            header.put(e.name(), Map.of("dtype", e.dtype().name(), "shape", e.shape(),
                    "data_offsets", List.of(offset, offset + e.byteSize())));
            offset += e.byteSize();
        }
        StringBuilder json = new StringBuilder(new ObjectMapper().writeValueAsString(header));
        while ((json.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
            json.append(' ');
        }
        byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
        long dataStart = 8L + h.length;
        Path target = path.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).flip();
                while (head.hasRemaining()) {
                    out.write(head, head.position());
                }
                if (offset > 0) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment data = out.map(FileChannel.MapMode.READ_WRITE, dataStart, offset, arena);
                        long at = 0;
                        for (Entry e : tensors.values()) {
                            MemorySegment dst = data.asSlice(at, e.byteSize());
                            if (e.bytes() != null) {
                                MemorySegment.copy(MemorySegment.ofArray(e.bytes()), 0, dst, 0, e.byteSize());
                            } else {
                                e.filler().fill(dst);
                            }
                            at += e.byteSize();
                        }
                    }
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
