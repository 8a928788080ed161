package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code sirocco convert F.gguf --out DIR}: a GGUF of a {@link DecoderFamily} back to a Hugging Face checkpoint
 * directory — config.json, model.safetensors, the tokenizer files ({@link HfTokenizerExport}) — that
 * {@link CheckpointConverter} turns into the same GGUF again. The reverse of the conversion through the same name
 * tables: Q/K rows permuted back (llama), norm shifts taken off (Gemma), experts unstacked (Mixtral), llama3
 * rope_freqs turned back into rope_scaling (when Llama 3.1's parameters reproduce them exactly). F32, F16 and
 * BF16 tensors keep their type unless a type is asked for; quantized ones are dequantized to F32 (or the type asked
 * for). Tensors are streamed from the GGUF's map into the output's: the model is never in memory.
 */
public final class GgufExporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufExporter() {
    }

    /**
     * @param type the safetensors type of every tensor, or null to keep F32/F16/BF16 and dequantize the rest to F32
     */
    public static void export(Path gguf, Path outDir, SafetensorsDtype type, CheckpointConverter.Progress progress) throws IOException {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new ModelRequestException("--out " + outDir + " is a file; exporting to safetensors writes a directory");
        }
        Path parent = outDir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ModelRequestException("output directory's parent does not exist: " + parent);
        }
        try (GgufFile f = GgufFile.open(gguf)) {
            GgufMetadata md = f.metadata();
            DecoderFamily family = DecoderFamily.fromGguf(md.getString("general.architecture", ""));
            ObjectNode config = config(f, family);
            DecoderCheckpoint spec = DecoderCheckpoint.of(config);
            if (f.hasTensor("rope_freqs.weight")) {
                checkLlama3Rope(f, spec);
            }
            List<DecoderCheckpoint.Mapping> plan = spec.plan(l -> f.hasTensor("blk." + l + ".attn_q.bias"), f.hasTensor("output.weight"));
            check(f, plan, family);

            Files.createDirectories(outDir);
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            int count = plan.size();
            int index = 0;
            for (DecoderCheckpoint.Mapping m : plan) {
                Tensor t = f.tensor(m.ggufName());
                SafetensorsDtype to = type != null ? type : keep(t.type());
                long rowsPerSource = t.rows() / m.hfNames().size();
                int i = index++;
                for (int s = 0; s < m.hfNames().size(); s++) {
                    long firstRow = s * rowsPerSource;
                    boolean last = s == m.hfNames().size() - 1;
                    w.add(m.hfNames().get(s), to, m.hfShape(), dst -> {
                        copy(t, firstRow, m.hfShape(), m.permuteHeads(), m.shift(), to, dst);
                        if (last) {
                            progress.tensorWritten(i, count, m.hfNames().getFirst(), t.type());
                        }
                    });
                }
            }
            config.put("torch_dtype", torchDtype(type != null ? type : keep(f.tensor("token_embd.weight").type())));
            w.write(outDir.resolve("model.safetensors"));
            JSON.writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("config.json").toFile(), config);
            HfTokenizerExport.write(md, outDir);
        }
    }

    /** config.json from the GGUF's hyperparameters, in the keys DecoderCheckpoint reads. */
    static ObjectNode config(GgufFile f, DecoderFamily family) {
        GgufMetadata md = f.metadata();
        String p = family.ggufName() + ".";
        int experts = md.getInt(p + "expert_count", 0);
        int dim = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        int layers = md.getInt(p + "block_count");
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(family.hfArchitecture(experts > 0));
        c.put("model_type", family == DecoderFamily.GEMMA3 ? "gemma3_text" : experts > 0 ? "mixtral" : family.ggufName());
        c.put("hidden_size", dim).put("num_hidden_layers", layers).put("num_attention_heads", heads)
                .put("num_key_value_heads", md.getInt(p + "attention.head_count_kv", heads))
                .put("intermediate_size", md.getInt(p + "feed_forward_length"))
                .put("vocab_size", f.tensor("token_embd.weight").shape()[1]);
        if (md.has(p + "attention.key_length") || family == DecoderFamily.GEMMA3) {
            c.put("head_dim", md.getInt(p + "attention.key_length", dim / heads));
        }
        if (md.has(p + "context_length")) {
            c.put("max_position_embeddings", md.getInt(p + "context_length"));
        }
        c.put("rms_norm_eps", decimal(md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f)));
        if (md.has(p + "rope.freq_base")) {
            c.put("rope_theta", decimal(md.getFloat(p + "rope.freq_base")));
        }
        if (f.hasTensor("rope_freqs.weight")) {
            // llama3 scaling: the factors fix only the thresholds' ratios, so take the parameters every Llama 3.1-3.3
            // uses with the largest factor, and checkLlama3Rope makes sure they give back these factors exactly
            float[] factors = ropeFactors(f);
            float max = 1f;
            for (float x : factors) {
                max = Math.max(max, x);
            }
            c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", decimal(max)).put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 8192);
        } else if ("linear".equals(md.getString(p + "rope.scaling.type", "none")) && md.has(p + "rope.scaling.factor")) {
            c.putObject("rope_scaling").put("rope_type", "linear").put("factor", decimal(md.getFloat(p + "rope.scaling.factor")));
        }
        c.put("tie_word_embeddings", !f.hasTensor("output.weight"));
        if (experts > 0) {
            c.put("num_local_experts", experts).put("num_experts_per_tok", md.getInt(p + "expert_used_count"));
        }
        if (family == DecoderFamily.GEMMA3) {
            int window = md.getInt(p + "attention.sliding_window", 0);
            if (window > 0) {
                c.put("sliding_window", window).put("sliding_window_pattern", 6);
            } else {
                c.put("sliding_window_pattern", 1);
            }
            if (md.has(p + "rope.freq_base_swa")) {
                c.put("rope_local_base_freq", decimal(md.getFloat(p + "rope.freq_base_swa")));
            }
            int headDim = c.path("head_dim").asInt();
            c.put("query_pre_attn_scalar", layers == 62 ? dim / heads : headDim);
        }
        if (md.has(p + "final_logit_softcapping")) {
            c.put("final_logit_softcapping", decimal(md.getFloat(p + "final_logit_softcapping")));
        }
        HfTokenizerExport.specialIds(md, c);
        return c;
    }

    private static float[] ropeFactors(GgufFile f) {
        Tensor t = f.tensor("rope_freqs.weight");
        float[] v = new float[(int) t.elementCount()];
        Dequantizer.dequantize(t.type(), t.data(), 0, v, 0, v.length);
        return v;
    }

    /** The rope_scaling written must give the file's rope_freqs back bit for bit, or the export is refused. */
    private static void checkLlama3Rope(GgufFile f, DecoderCheckpoint spec) {
        float[] expected = ropeFactors(f);
        float[] derived = spec.llama3RopeFactors();
        if (derived == null || !Arrays.equals(derived, expected)) {
            throw new ModelRequestException(f.path() + " has llama3 RoPE factors (rope_freqs.weight) that Llama 3.1's"
                    + " low_freq_factor 1, high_freq_factor 4 and original_max_position_embeddings 8192 do not reproduce;"
                    + " its rope_scaling cannot be recovered, so it is not exported");
        }
    }

    /** The shortest decimal of a float, so config.json reads 1e-06 rather than 9.999999974752427e-07. */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** Every planned tensor is in the file with the shape its config implies, and nothing is left over. */
    private static void check(GgufFile f, List<DecoderCheckpoint.Mapping> plan, DecoderFamily family) {
        Set<String> planned = new HashSet<>();
        for (DecoderCheckpoint.Mapping m : plan) {
            planned.add(m.ggufName());
            if (!f.hasTensor(m.ggufName())) {
                throw new ModelRequestException(f.path() + " lacks " + m.ggufName() + ", which a " + family.ggufName()
                        + " model of its metadata has");
            }
            long[] hf = m.outShape();
            long[] ggml = new long[hf.length];
            for (int i = 0; i < hf.length; i++) {
                ggml[i] = hf[hf.length - 1 - i];
            }
            long[] actual = f.tensor(m.ggufName()).shape();
            if (!Arrays.equals(actual, ggml)) {
                throw new ModelRequestException(m.ggufName() + " in " + f.path() + " has shape " + Arrays.toString(actual)
                        + ", its metadata implies " + Arrays.toString(ggml));
            }
        }
        planned.add("rope_freqs.weight"); // written again from config.json's rope_scaling (checkLlama3Rope)
        for (GgufTensorInfo t : f.tensorInfos()) {
            if (!planned.contains(t.name())) {
                throw new ModelRequestException(f.path() + " has tensor " + t.name() + ", which has no Hugging Face name in the "
                        + family.ggufName() + " table; exporting it would lose it");
            }
        }
    }

    private static SafetensorsDtype keep(GgmlType t) {
        return switch (t) {
            case F16 -> SafetensorsDtype.F16;
            case BF16 -> SafetensorsDtype.BF16;
            default -> SafetensorsDtype.F32;
        };
    }

    private static String torchDtype(SafetensorsDtype t) {
        return switch (t) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        };
    }

    /**
     * Rows {@code firstRow..} of the GGUF tensor (one expert of a stacked one) into a safetensors tensor of
     * {@code hfShape}: each GGUF row r goes back to the row the conversion took it from, less the shift.
     */
    private static void copy(Tensor t, long firstRow, long[] hfShape, int permuteHeads, float shift, SafetensorsDtype to,
                             MemorySegment dst) {
        int rowLength = t.rowLength();
        if (hfShape.length == 1 && permuteHeads > 0) {
            float[] v = new float[rowLength];
            float[] out = new float[rowLength];
            Dequantizer.dequantize(t.type(), t.data(), 0, v, 0, rowLength);
            for (int r = 0; r < rowLength; r++) {
                out[(int) QkPermutation.sourceRow(r, rowLength, permuteHeads)] = v[r];
            }
            to.write(out, 0, rowLength, dst, 0);
            return;
        }
        long rows = 1;
        for (int i = 0; i < hfShape.length - 1; i++) {
            rows *= hfShape[i];
        }
        float[] row = new float[rowLength];
        for (long r = 0; r < rows; r++) {
            Dequantizer.dequantize(t.type(), t.data(), (firstRow + r) * t.rowBytes(), row, 0, rowLength);
            if (shift != 0f) {
                for (int i = 0; i < rowLength; i++) {
                    row[i] -= shift;
                }
            }
            long target = permuteHeads > 0 ? QkPermutation.sourceRow(r, rows, permuteHeads) : r;
            to.write(row, 0, rowLength, dst, target * rowLength);
        }
    }
}
