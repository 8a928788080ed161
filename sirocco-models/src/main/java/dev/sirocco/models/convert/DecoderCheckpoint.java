package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.models.ModelRequestException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a decoder-only checkpoint of a {@link DecoderFamily} maps to GGUF: hyperparameters from config.json, Hugging
 * Face tensor names to llama.cpp's, which rows to permute, the shapes every tensor must have.
 */
public record DecoderCheckpoint(DecoderFamily family, int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab,
                              int context, double rmsEps, Double ropeTheta, boolean explicitHeadDim,
                              boolean tiedEmbeddings, JsonNode ropeScaling) {

    /** One output tensor: its GGUF name, its source, and the heads its rows are permuted by (0: none). */
    public record Mapping(String ggufName, String hfName, long[] hfShape, int permuteHeads) {}

    public static DecoderCheckpoint of(JsonNode c) {
        DecoderFamily family = DecoderFamily.of(c.path("architectures").path(0).asText(""));
        if (c.has("num_local_experts")) {
            throw new ModelRequestException("mixture-of-experts checkpoints (Mixtral) are not converted yet");
        }
        int dim = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        boolean explicitHeadDim = c.path("head_dim").canConvertToInt() && !c.path("head_dim").isNull();
        int headDim = explicitHeadDim ? c.path("head_dim").asInt() : dim / heads;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new ModelRequestException("config.json has inconsistent attention sizes: num_attention_heads " + heads
                    + ", num_key_value_heads " + kvHeads + ", head dim " + headDim);
        }
        JsonNode scaling = c.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText(""));
            if (!type.equals("llama3") && !type.equals("linear") && !type.equals("default")) {
                throw new ModelRequestException("rope_scaling type '" + type + "' is not converted yet (linear and llama3 are)");
            }
        }
        Double theta = c.path("rope_theta").isNumber() ? c.path("rope_theta").asDouble() : null;
        return new DecoderCheckpoint(family, dim, required(c, "num_hidden_layers"), heads, kvHeads, headDim,
                required(c, "intermediate_size"), required(c, "vocab_size"), c.path("max_position_embeddings").asInt(4096),
                c.path("rms_norm_eps").asDouble(1e-5), theta, explicitHeadDim,
                c.path("tie_word_embeddings").asBoolean(false), scaling.isNull() ? null : scaling.isMissingNode() ? null : scaling);
    }

    private static int required(JsonNode c, String key) {
        JsonNode v = c.path(key);
        if (!v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelRequestException("config.json needs a positive integer " + key + ", found " + (v.isMissingNode() ? "none" : v));
        }
        return v.asInt();
    }

    /**
     * Every tensor to write, in llama.cpp's naming, checked against the checkpoint: each must exist with the shape the
     * config implies, and no tensor may be left over (other than RoPE's cached inv_freq).
     */
    public List<Mapping> mappings(Map<String, SafetensorsTensor> tensors) {
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        Map<String, Mapping> out = new LinkedHashMap<>();
        add(out, "token_embd.weight", "model.embed_tokens.weight", new long[] {vocab, dim}, 0);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            String b = "blk." + l + ".";
            add(out, b + "attn_norm.weight", p + "input_layernorm.weight", new long[] {dim}, 0);
            int qPermute = family.permuteQk() ? heads : 0;
            int kPermute = family.permuteQk() ? kvHeads : 0;
            add(out, b + "attn_q.weight", p + "self_attn.q_proj.weight", new long[] {q, dim}, qPermute);
            add(out, b + "attn_k.weight", p + "self_attn.k_proj.weight", new long[] {kv, dim}, kPermute);
            add(out, b + "attn_v.weight", p + "self_attn.v_proj.weight", new long[] {kv, dim}, 0);
            add(out, b + "attn_output.weight", p + "self_attn.o_proj.weight", new long[] {dim, q}, 0);
            if (tensors.containsKey(p + "self_attn.q_proj.bias")) {
                add(out, b + "attn_q.bias", p + "self_attn.q_proj.bias", new long[] {q}, qPermute);
                add(out, b + "attn_k.bias", p + "self_attn.k_proj.bias", new long[] {kv}, kPermute);
                add(out, b + "attn_v.bias", p + "self_attn.v_proj.bias", new long[] {kv}, 0);
            }
            if (family.qkNorm()) {
                add(out, b + "attn_q_norm.weight", p + "self_attn.q_norm.weight", new long[] {headDim}, 0);
                add(out, b + "attn_k_norm.weight", p + "self_attn.k_norm.weight", new long[] {headDim}, 0);
            }
            add(out, b + "ffn_norm.weight", p + "post_attention_layernorm.weight", new long[] {dim}, 0);
            add(out, b + "ffn_gate.weight", p + "mlp.gate_proj.weight", new long[] {ffn, dim}, 0);
            add(out, b + "ffn_up.weight", p + "mlp.up_proj.weight", new long[] {ffn, dim}, 0);
            add(out, b + "ffn_down.weight", p + "mlp.down_proj.weight", new long[] {dim, ffn}, 0);
        }
        add(out, "output_norm.weight", "model.norm.weight", new long[] {dim}, 0);
        if (tensors.containsKey("lm_head.weight") || !tiedEmbeddings) {
            add(out, "output.weight", "lm_head.weight", new long[] {vocab, dim}, 0);
        }
        List<String> problems = new ArrayList<>();
        for (Mapping m : out.values()) {
            SafetensorsTensor t = tensors.get(m.hfName());
            if (t == null) {
                problems.add("missing " + m.hfName());
            } else if (!Arrays.equals(t.shape(), m.hfShape())) {
                problems.add(m.hfName() + " has shape " + Arrays.toString(t.shape()) + ", config.json implies " + Arrays.toString(m.hfShape()));
            }
        }
        Set<String> used = new java.util.HashSet<>();
        out.values().forEach(m -> used.add(m.hfName()));
        for (String name : tensors.keySet()) {
            if (!used.contains(name) && !name.endsWith(".rotary_emb.inv_freq")) {
                problems.add("unexpected tensor " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelRequestException("the checkpoint does not match its config.json as a " + family.ggufName() + " model: "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        return List.copyOf(out.values());
    }

    private static void add(Map<String, Mapping> out, String gguf, String hf, long[] shape, int permuteHeads) {
        out.put(gguf, new Mapping(gguf, hf, shape, permuteHeads));
    }

    /**
     * llama3 RoPE scaling as llama.cpp's converter writes it: a {@code rope_freqs.weight} of headDim/2 factors
     * that divide each frequency (LlamaModel.generate_extra_tensors), or null when the config has none.
     */
    public float[] llama3RopeFactors() {
        if (family != DecoderFamily.LLAMA || ropeScaling == null || !"llama3".equals(ropeScaling.path("rope_type").asText(ropeScaling.path("type").asText("")))) {
            return null;
        }
        double base = ropeTheta != null ? ropeTheta : 10000.0;
        double factor = ropeScaling.path("factor").asDouble(8.0);
        double low = ropeScaling.path("low_freq_factor").asDouble(1.0);
        double high = ropeScaling.path("high_freq_factor").asDouble(4.0);
        double oldContext = ropeScaling.path("original_max_position_embeddings").asDouble(8192);
        double lowWavelen = oldContext / low;
        double highWavelen = oldContext / high;
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            // torch computes the frequencies in float32
            float freq = (float) (1.0 / Math.pow(base, (float) (2 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - low) / (high - low);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    /** The linear RoPE scaling factor, or 0 when there is none. */
    public double linearRopeFactor() {
        if (ropeScaling == null) {
            return 0;
        }
        String type = ropeScaling.path("rope_type").asText(ropeScaling.path("type").asText(""));
        return type.equals("linear") ? ropeScaling.path("factor").asDouble(0) : 0;
    }
}
