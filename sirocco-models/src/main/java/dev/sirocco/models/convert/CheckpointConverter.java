package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.quantize.ModelQuantizer;
import dev.sirocco.engine.quantize.QuantType;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.HalfFloat;
import dev.sirocco.engine.tensor.quant.Quantizer;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code sirocco convert}: a Hugging Face checkpoint directory of a {@link DecoderFamily} (llama, Mistral, Mixtral,
 * Qwen 2, Qwen 3, Gemma 3) to a GGUF file as llama.cpp's convert_hf_to_gguf.py writes it — its metadata keys, tensor
 * names, Q/K row permutation (llama), stacked experts (Mixtral), shifted norms (Gemma) and tokenizer metadata.
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
            DecoderCheckpoint spec = DecoderCheckpoint.of(ckpt.config());
            DecoderFamily family = spec.family();
            JsonNode config = DecoderCheckpoint.effectiveConfig(ckpt.config(), family);
            Map<String, SafetensorsTensor> tensors = spec.textTensors(ckpt.tensors());
            List<DecoderCheckpoint.Mapping> mappings = spec.mappings(tensors);
            String arch = family.ggufName();
            HfTokenizerMetadata.Sources tokenizer = new HfTokenizerMetadata.Sources(ckpt.optionalJson("tokenizer.json"),
                    ckpt.optionalBytes("tokenizer.model"), ckpt.optionalJson("tokenizer_config.json"));

            GgufWriter w = new GgufWriter();
            w.putString("general.architecture", arch);
            w.putString("general.type", "model");
            w.putString("general.name", dir.toAbsolutePath().normalize().getFileName().toString());
            w.putU32(arch + ".block_count", spec.layers());
            w.putU32(arch + ".context_length", spec.context());
            w.putU32(arch + ".embedding_length", spec.dim());
            w.putU32(arch + ".feed_forward_length", spec.ffn());
            w.putU32(arch + ".attention.head_count", spec.heads());
            w.putU32(arch + ".attention.head_count_kv", spec.kvHeads());
            if (spec.linearRopeFactor() > 0) {
                w.putString(arch + ".rope.scaling.type", "linear");
                w.putF32(arch + ".rope.scaling.factor", (float) spec.linearRopeFactor());
            }
            if (spec.ropeTheta() != null) {
                w.putF32(arch + ".rope.freq_base", spec.ropeTheta().floatValue());
            }
            if (spec.swaRopeTheta() != null) {
                w.putF32(arch + ".rope.freq_base_swa", spec.swaRopeTheta().floatValue());
            }
            w.putF32(arch + ".attention.layer_norm_rms_epsilon", (float) spec.rmsEps());
            if (spec.experts() > 0) {
                w.putU32(arch + ".expert_count", spec.experts());
                w.putU32(arch + ".expert_used_count", spec.expertsUsed());
            }
            if (spec.explicitHeadDim()) {
                w.putU32(arch + ".attention.key_length", spec.headDim());
                w.putU32(arch + ".attention.value_length", spec.headDim());
            }
            if (spec.finalLogitSoftcap() != null) {
                w.putF32(arch + ".final_logit_softcapping", spec.finalLogitSoftcap().floatValue());
            }
            if (spec.slidingWindow() > 0) {
                w.putU32(arch + ".attention.sliding_window", spec.slidingWindow());
            }
            w.putU32("general.file_type", type.llamaFtype());
            if (family.writesVocabAndRopeDim()) {
                w.putU32(arch + ".vocab_size", spec.vocab());
                w.putU32(arch + ".rope.dimension_count", spec.headDim());
            }
            w.putU32("general.quantization_version", 2);
            HfTokenizerMetadata.write(w, tokenizer, config, spec.vocab(), family.addSpacePrefix());

            float[] ropeFactors = spec.llama3RopeFactors();
            int count = mappings.size() + (ropeFactors != null ? 1 : 0);
            int index = 0;
            if (ropeFactors != null) {
                MemorySegment seg = MemorySegment.ofArray(new byte[ropeFactors.length * 4]);
                Quantizer.quantize(GgmlType.F32, ropeFactors, 0, ropeFactors.length, seg, 0);
                w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {ropeFactors.length}, seg);
                progress.tensorWritten(index++, count, "rope_freqs.weight", GgmlType.F32);
            }
            for (DecoderCheckpoint.Mapping m : mappings) {
                List<SafetensorsTensor> sources = m.hfNames().stream().map(tensors::get).toList();
                long[] hf = m.outShape();
                long[] ggml = new long[hf.length];
                for (int i = 0; i < hf.length; i++) {
                    ggml[i] = hf[hf.length - 1 - i];
                }
                GgmlType to = targetType(m.ggufName(), hf, type);
                int i = index++;
                w.addTensor(m.ggufName(), to, ggml, dst -> {
                    long offset = 0;
                    for (SafetensorsTensor src : sources) {
                        offset = copy(src, m.permuteHeads(), m.shift(), to, dst, offset);
                    }
                    progress.tensorWritten(i, count, m.ggufName(), to);
                });
            }
            w.write(out);
        }
    }

    /** llama.cpp's choice: F32 for 1-D tensors and norms; else the output type (F16 where Q8_0 blocks do not fit). */
    static GgmlType targetType(String ggufName, long[] hfShape, ConvertType type) {
        // the router stays F32 too (TextModel.prepare_tensors' list of always-F32 tensors)
        if (hfShape.length <= 1 || ggufName.endsWith("_norm.weight") || ggufName.endsWith("ffn_gate_inp.weight")) {
            return GgmlType.F32;
        }
        return switch (type) {
            case F32 -> GgmlType.F32;
            case F16, Q4_K_M -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            case Q8_0 -> hfShape[hfShape.length - 1] % GgmlType.Q8_0.blockSize() == 0 ? GgmlType.Q8_0 : GgmlType.F16;
        };
    }

    /**
     * Decodes each source row (permuted for Q/K, shifted for Gemma's norms), encodes it as {@code to} into
     * {@code dst} from byte {@code offset}; returns the offset after it (stacked experts follow one another).
     */
    private static long copy(SafetensorsTensor src, int permuteHeads, float shift, GgmlType to, MemorySegment dst, long offset) {
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
            Quantizer.quantize(to, p, 0, n, dst, offset);
            return offset + to.bytesFor(n);
        }
        int rowLength = (int) src.rowLength();
        long rows = src.elementCount() / Math.max(1, rowLength);
        long rowBytes = to.bytesFor(rowLength);
        float[] row = new float[rowLength];
        for (long r = 0; r < rows; r++) {
            long from = permuteHeads > 0 ? QkPermutation.sourceRow(r, rows, permuteHeads) : r;
            src.dtype().read(src.data(), from * rowLength, row, 0, rowLength);
            if (shift != 0f) {
                shiftRow(row, shift, src.dtype());
            }
            Quantizer.quantize(to, row, 0, rowLength, dst, offset + r * rowBytes);
        }
        return offset + rows * rowBytes;
    }

    /**
     * Adds the shift as the script does: after BF16 was widened to F32 (so in F32), but in F16 arithmetic for an F16
     * tensor (torch keeps its dtype), rounding the sum to F16.
     */
    static void shiftRow(float[] row, float shift, SafetensorsDtype dtype) {
        for (int i = 0; i < row.length; i++) {
            float sum = row[i] + shift;
            row[i] = dtype == SafetensorsDtype.F16 ? HalfFloat.halfToFloat(HalfFloat.floatToHalf(sum)) : sum;
        }
    }
}
