package dev.sirocco.engine.quantize;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufValueType;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.engine.tensor.quant.Quantizer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Re-quantizes a GGUF file as llama-quantize does without an importance matrix: same tensor types
 * ({@link QuantizationPlan}), same tensor order, same metadata plus {@code general.file_type} and
 * {@code general.quantization_version}. Tensors are decoded to F32 and re-encoded a slab of rows at a
 * time, straight from the input's memory map into the output's, so the model is never held in memory.
 */
public final class ModelQuantizer {

    /** GGML_QNT_VERSION, the block layout revision llama.cpp writes. */
    static final int QUANTIZATION_VERSION = 2;
    static final String FILE_TYPE_KEY = "general.file_type";
    static final String QUANTIZATION_VERSION_KEY = "general.quantization_version";
    /** llama-quantize drops the split keys: the output is one file. */
    private static final Set<String> SPLIT_KEYS = Set.of("split.no", "split.count", "split.tensors.count");
    /** Output bytes encoded per slab before they are copied into the output map (bounds the heap used). */
    private static final long SLAB_BYTES = 8L << 20;

    /** Told about each tensor as it is written (from the writing thread). */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(int index, int count, PlannedTensor tensor);

        Progress NONE = (i, n, t) -> { };
    }

    private ModelQuantizer() {
    }

    /** The plan for {@code file}: its tensors and hyperparameters, judged for {@code type}. */
    public static QuantizationPlan plan(GgufFile file, QuantType type) {
        List<QuantizationPlan.Source> sources = new ArrayList<>();
        for (GgufTensorInfo t : file.tensorInfos()) {
            sources.add(new QuantizationPlan.Source(t.name(), t.type(), t.shape()));
        }
        return QuantizationPlan.of(sources, ModelHparams.of(file.metadata()), type);
    }

    /**
     * Writes {@code in} quantized to {@code type} as {@code out}, using {@code threads} threads.
     *
     * @throws NoSuchFileException if {@code in} or the directory of {@code out} does not exist
     * @throws IllegalArgumentException if the input is a split model, or a tensor it must convert is in a format
     *                                  Sirocco cannot decode
     */
    public static QuantizeResult quantize(Path in, Path out, QuantType type, int threads, Progress progress)
            throws IOException {
        return quantize(in, out, type, threads, progress, SLAB_BYTES);
    }

    /** {@link #quantize} with slabs of about {@code slabBytes} output bytes (tests use small ones). */
    static QuantizeResult quantize(Path in, Path out, QuantType type, int threads, Progress progress, long slabBytes)
            throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the output directory does not exist");
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new IllegalArgumentException("the output must not overwrite the input: " + in);
        }
        try (GgufFile file = GgufFile.open(in); Parallel parallel = new Parallel(threads)) {
            GgufMetadata md = file.metadata();
            if (md.getInt("split.count", 1) > 1) {
                throw new IllegalArgumentException(in.getFileName() + " is one shard of a split model ("
                        + md.getInt("split.count") + " files); merge it first (llama-gguf-split --merge)");
            }
            QuantizationPlan plan = plan(file, type);
            GgufWriter writer = new GgufWriter();
            copyMetadata(md, writer, type);
            List<PlannedTensor> tensors = plan.tensors();
            long before = 0;
            long after = 0;
            for (int i = 0; i < tensors.size(); i++) {
                PlannedTensor p = tensors.get(i);
                Tensor src = file.tensor(p.name());
                if (p.converts() && !Quantizer.canQuantizeTo(p.to())) {
                    throw new IllegalArgumentException("cannot encode " + p.to() + " (tensor " + p.name() + ")");
                }
                int index = i;
                writer.addTensor(p.name(), p.to(), p.shape(), dst -> {
                    if (p.converts()) {
                        convert(src, p.to(), dst, parallel, slabBytes);
                    } else {
                        MemorySegment.copy(src.data(), 0, dst, 0, dst.byteSize());
                    }
                    progress.tensorWritten(index, tensors.size(), p);
                });
                before += p.bytesBefore();
                after += p.bytesAfter();
            }
            writer.write(out);
            return new QuantizeResult(out, type, plan, before, after, file.fileSize(), Files.size(out));
        }
    }

    /**
     * Copies every key in order (general.alignment included, so the layout rules carry over), drops the split
     * keys, and appends general.quantization_version then general.file_type, as gguf_set_val_u32 does
     * (it removes a key and appends it at the end).
     */
    static void copyMetadata(GgufMetadata md, GgufWriter writer, QuantType type) {
        for (String key : md.keys()) {
            if (SPLIT_KEYS.contains(key) || key.equals(FILE_TYPE_KEY) || key.equals(QUANTIZATION_VERSION_KEY)) {
                continue;
            }
            writer.putValue(key, md.typeOf(key), md.get(key));
        }
        writer.putValue(QUANTIZATION_VERSION_KEY, GgufValueType.UINT32, (long) QUANTIZATION_VERSION);
        writer.putValue(FILE_TYPE_KEY, GgufValueType.UINT32, (long) type.llamaFtype());
    }

    /**
     * Decodes each row of {@code src} to F32 and encodes it as {@code to} into {@code dst}. Rows are encoded in
     * parallel into a heap slab, which the calling thread then copies into {@code dst} (the writer's map may
     * only be touched from its own thread).
     */
    private static void convert(Tensor src, GgmlType to, MemorySegment dst, Parallel parallel, long slabBytes) {
        int n = src.rowLength();
        long rows = src.rows();
        GgmlType from = src.type();
        long srcRowBytes = from.bytesFor(n);
        long dstRowBytes = to.bytesFor(n);
        int rowsPerSlab = (int) Math.max(1, Math.min(rows, slabBytes / dstRowBytes));
        MemorySegment slab = MemorySegment.ofArray(new byte[Math.toIntExact(rowsPerSlab * dstRowBytes)]);
        MemorySegment data = src.data();
        for (long first = 0; first < rows; first += rowsPerSlab) {
            long slabFirst = first;
            int count = (int) Math.min(rowsPerSlab, rows - first);
            parallel.forRange(count, 4, (a, b) -> {
                float[] row = new float[n];
                for (int r = a; r < b; r++) {
                    Dequantizer.dequantize(from, data, (slabFirst + r) * srcRowBytes, row, 0, n);
                    Quantizer.quantize(to, row, 0, n, slab, r * dstRowBytes);
                }
            });
            MemorySegment.copy(slab, 0, dst, first * dstRowBytes, count * dstRowBytes);
        }
    }
}
