package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.quantize.ModelQuantizer;
import dev.sirocco.engine.quantize.QuantType;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.Quantizer;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sirocco convert}: a Hugging Face llama-family checkpoint directory to a GGUF file as llama.cpp's
 * convert_hf_to_gguf.py writes it — its metadata keys, tensor names, Q/K row permutation and tokenizer metadata.
 * Norms and other 1-D tensors stay F32; matrices become F32, F16 or Q8_0 (F16 where a row is not a whole number
 * of Q8_0 blocks, as the script falls back). Q4_K_M is F16 first, then {@link ModelQuantizer} as llama-quantize.
 * Tensors are streamed row by row from the safetensors maps into the output's map: the model is never in memory.
 */
public final class CheckpointConverter {

    /** Told about each tensor as it is written. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(int index, int count, String name, GgmlType type);
    }

    private CheckpointConverter() {
    }

    public static void convert(Path dir, Path out, ConvertType type, int threads, Progress progress) throws IOException {
        Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !Files.isDirectory(outDir)) {
            throw new ModelRequestException("output directory does not exist: " + outDir);
        }
        if (type == ConvertType.Q4_K_M) {
            Path f16 = out.resolveSibling("." + out.getFileName() + ".f16.tmp");
            try {
                write(dir, f16, ConvertType.F16, progress);
                ModelQuantizer.quantize(f16, out, QuantType.Q4_K_M, threads, ModelQuantizer.Progress.NONE);
            } finally {
                Files.deleteIfExists(f16);
            }
            return;
        }
        write(dir, out, type, progress);
    }

    private static void write(Path dir, Path out, ConvertType type, Progress progress) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            LlamaCheckpoint llama = LlamaCheckpoint.of(ckpt.config());
            List<LlamaCheckpoint.Mapping> mappings = llama.mappings(ckpt.tensors());
            JsonNode tokenizer = ckpt.optionalJson("tokenizer.json");
            if (tokenizer == null) {
                throw new ModelRequestException("tokenizer.json not found in " + dir
                        + " (checkpoints with only tokenizer.model are not converted yet)");
            }
            JsonNode tokenizerConfig = ckpt.optionalJson("tokenizer_config.json");

            GgufWriter w = new GgufWriter();
            w.putString("general.architecture", "llama");
            w.putString("general.type", "model");
            w.putString("general.name", dir.toAbsolutePath().normalize().getFileName().toString());
            w.putU32("llama.block_count", llama.layers());
            w.putU32("llama.context_length", llama.context());
            w.putU32("llama.embedding_length", llama.dim());
            w.putU32("llama.feed_forward_length", llama.ffn());
            w.putU32("llama.attention.head_count", llama.heads());
            w.putU32("llama.attention.head_count_kv", llama.kvHeads());
            if (llama.linearRopeFactor() > 0) {
                w.putString("llama.rope.scaling.type", "linear");
                w.putF32("llama.rope.scaling.factor", (float) llama.linearRopeFactor());
            }
            if (llama.ropeTheta() != null) {
                w.putF32("llama.rope.freq_base", llama.ropeTheta().floatValue());
            }
            w.putF32("llama.attention.layer_norm_rms_epsilon", (float) llama.rmsEps());
            if (llama.explicitHeadDim()) {
                w.putU32("llama.attention.key_length", llama.headDim());
                w.putU32("llama.attention.value_length", llama.headDim());
            }
            w.putU32("general.file_type", type.llamaFtype());
            w.putU32("llama.vocab_size", llama.vocab());
            w.putU32("llama.rope.dimension_count", llama.headDim());
            w.putU32("general.quantization_version", 2);
            HfTokenizerMetadata.write(w, tokenizer, tokenizerConfig, llama.vocab());

            float[] ropeFactors = llama.llama3RopeFactors();
            int count = mappings.size() + (ropeFactors != null ? 1 : 0);
            int index = 0;
            if (ropeFactors != null) {
                MemorySegment seg = MemorySegment.ofArray(new byte[ropeFactors.length * 4]);
                Quantizer.quantize(GgmlType.F32, ropeFactors, 0, ropeFactors.length, seg, 0);
                w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {ropeFactors.length}, seg);
                progress.tensorWritten(index++, count, "rope_freqs.weight", GgmlType.F32);
            }
            for (LlamaCheckpoint.Mapping m : mappings) {
                SafetensorsTensor src = ckpt.tensors().get(m.hfName());
                long[] hf = m.hfShape();
                long[] ggml = new long[hf.length];
                for (int i = 0; i < hf.length; i++) {
                    ggml[i] = hf[hf.length - 1 - i];
                }
                GgmlType to = targetType(m.ggufName(), hf, type);
                int i = index++;
                w.addTensor(m.ggufName(), to, ggml, dst -> {
                    copy(src, m.permuteHeads(), to, dst);
                    progress.tensorWritten(i, count, m.ggufName(), to);
                });
            }
            w.write(out);
        }
    }

    /** llama.cpp's choice: F32 for 1-D tensors and norms; else the output type (F16 where Q8_0 blocks do not fit). */
    static GgmlType targetType(String ggufName, long[] hfShape, ConvertType type) {
        if (hfShape.length <= 1 || ggufName.endsWith("_norm.weight")) {
            return GgmlType.F32;
        }
        return switch (type) {
            case F32 -> GgmlType.F32;
            case F16, Q4_K_M -> GgmlType.F16;
            case Q8_0 -> hfShape[hfShape.length - 1] % GgmlType.Q8_0.blockSize() == 0 ? GgmlType.Q8_0 : GgmlType.F16;
        };
    }

    /** Decodes each source row (permuted for Q/K), encodes it as {@code to} into {@code dst}. */
    private static void copy(SafetensorsTensor src, int permuteHeads, GgmlType to, MemorySegment dst) {
        long[] shape = src.shape();
        if (shape.length == 1 && permuteHeads > 0) {
            // a Q/K bias: its elements are permuted like the matrix's rows
            int n = (int) shape[0];
            float[] v = new float[n];
            float[] p = new float[n];
            src.dtype().read(src.data(), 0, v, 0, n);
            for (int r = 0; r < n; r++) {
                p[r] = v[(int) QkPermutation.sourceRow(r, n, permuteHeads)];
            }
            Quantizer.quantize(to, p, 0, n, dst, 0);
            return;
        }
        int rowLength = (int) src.rowLength();
        long rows = src.elementCount() / Math.max(1, rowLength);
        long rowBytes = to.bytesFor(rowLength);
        float[] row = new float[rowLength];
        for (long r = 0; r < rows; r++) {
            long from = permuteHeads > 0 ? QkPermutation.sourceRow(r, rows, permuteHeads) : r;
            src.dtype().read(src.data(), from * rowLength, row, 0, rowLength);
            Quantizer.quantize(to, row, 0, rowLength, dst, r * rowBytes);
        }
    }
}
