package dev.sirocco.engine.gguf;

import dev.sirocco.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An open GGUF file: validated metadata and tensor table, with tensors as slices of one read-only
 * memory map of the whole file (weights are never copied onto the heap). Closing it unmaps the file,
 * after which its tensors must not be touched.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment map;
    private final GgufReader.Parsed parsed;
    private final Map<String, GgufTensorInfo> byName;
    private volatile boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment map, GgufReader.Parsed parsed) {
        this.path = path;
        this.arena = arena;
        this.map = map;
        this.parsed = parsed;
        this.byName = HashMap.newHashMap(parsed.tensors().size());
        for (GgufTensorInfo t : parsed.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Maps {@code path} and validates its header, metadata and tensor table.
     *
     * @throws GgufFormatException if the file is not a valid GGUF v2/v3 file (names the file, byte offset and field)
     */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            // Mapping a directory fails with a bare "No such device".
            throw new FileSystemException(path.toString(), null, "is a directory, not a GGUF file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            // One map of the whole file; a MemorySegment is long-indexed, so files over 2 GiB work.
            MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, map, GgufReader.parse(map));
        } catch (GgufFormatException e) {
            arena.close();
            throw e.inFile(String.valueOf(path.getFileName()));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** 2 or 3 (the layouts are the same; v3 only allowed big-endian files, which we do not read). */
    public int version() {
        return parsed.version();
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return map.byteSize();
    }

    /** Bytes tensor data offsets are aligned to ({@code general.alignment}, 32 by default). */
    public long alignment() {
        return parsed.alignment();
    }

    public GgufMetadata metadata() {
        return parsed.metadata();
    }

    /** The tensor table in file order. */
    public List<GgufTensorInfo> tensorInfos() {
        return Collections.unmodifiableList(parsed.tensors());
    }

    public boolean hasTensor(String name) {
        return byName.containsKey(name);
    }

    /** The tensor {@code name}, viewing its bytes in the map. */
    public Tensor tensor(String name) {
        if (closed) {
            throw new IllegalStateException(path.getFileName() + " is closed");
        }
        GgufTensorInfo t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' in " + path.getFileName());
        }
        return new Tensor(t.name(), t.type(), t.shape(), map.asSlice(t.offset(), t.byteSize()));
    }

    /** Absolute file offset of the tensor data section. */
    public long dataOffset() {
        return parsed.dataOffset();
    }

    /** Unmaps the file; tensors obtained from it become unusable. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return path + " (GGUF v" + version() + ", " + metadata().size() + " keys, " + byName.size() + " tensors)";
    }
}
