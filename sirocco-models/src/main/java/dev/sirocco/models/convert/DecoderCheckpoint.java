package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.ModelRequestException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * How a decoder-only checkpoint of a {@link DecoderFamily} maps to GGUF: hyperparameters from config.json (a
 * multimodal config's text_config lifted to the top, the family's defaults for what it leaves out), Hugging Face
 * tensor names to llama.cpp's through the family's name table, which rows to permute, the shapes every tensor
 * must have.
 *
 * @param experts          Mixtral's num_local_experts (0: a dense model)
 * @param swaRopeTheta     the RoPE base of sliding-window layers (Gemma 3's rope_local_base_freq), or null
 * @param slidingWindow    the sliding window written as {@code attention.sliding_window} (0: none)
 * @param finalLogitSoftcap final_logit_softcapping, or null
 */
public record DecoderCheckpoint(DecoderFamily family, int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab,
                                int context, double rmsEps, Double ropeTheta, boolean explicitHeadDim,
                                boolean tiedEmbeddings, JsonNode ropeScaling, int experts, int expertsUsed,
                                Double swaRopeTheta, int slidingWindow, Double finalLogitSoftcap, boolean multimodal) {

    /**
     * One output tensor: its GGUF name, its source tensors (several: experts stacked along a new outer dimension),
     * the PyTorch shape of each source, the heads its rows are permuted by (0: none) and what is added to each value.
     */
    public record Mapping(String ggufName, List<String> hfNames, long[] hfShape, boolean stacked, int permuteHeads, float shift) {
        /** The PyTorch shape of the output: the source's, or [sources, ...] when stacked. */
        public long[] outShape() {
            if (!stacked) {
                return hfShape.clone();
            }
            long[] s = new long[hfShape.length + 1];
            s[0] = hfNames.size();
            System.arraycopy(hfShape, 0, s, 1, hfShape.length);
            return s;
        }
    }

    /** Gemma 3's layer pattern in llama.cpp: five sliding-window layers, then one global (load_swa_pattern(ml, 6)). */
    private static final int GEMMA3_SWA_PATTERN = 6;

    public static DecoderCheckpoint of(JsonNode config) {
        DecoderFamily family = DecoderFamily.of(config.path("architectures").path(0).asText(""));
        boolean multimodal = config.has("text_config");
        JsonNode c = effectiveConfig(config, family);
        int experts = c.path("num_local_experts").asInt(0);
        int expertsUsed = c.path("num_experts_per_tok").asInt(0);
        if (experts > 0 && !family.allowsExperts()) {
            throw new ModelRequestException("config.json has num_local_experts for a " + family.ggufName() + " model; only Mixtral-style llama experts are converted");
        }
        if (experts > 0 && (expertsUsed <= 0 || expertsUsed > experts)) {
            throw new ModelRequestException("config.json needs num_experts_per_tok between 1 and num_local_experts " + experts + ", found " + c.path("num_experts_per_tok"));
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
        int layers = required(c, "num_hidden_layers");

        // transformers' rope_parameters (per attention type) or the older rope_scaling, as TextModel reads them
        JsonNode ropeParams = c.path("rope_parameters").isObject() ? c.path("rope_parameters") : c.path("rope_scaling");
        JsonNode global = ropeParams.has("full_attention") ? ropeParams.path("full_attention") : ropeParams;
        JsonNode scaling = global.isObject() && (global.has("rope_type") || global.has("type")) ? global : null;
        if (scaling != null) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText(""));
            if (!type.equals("llama3") && !type.equals("linear") && !type.equals("default")) {
                throw new ModelRequestException("rope_scaling type '" + type + "' is not converted yet (linear and llama3 are)");
            }
        }
        Double theta = global.path("rope_theta").isNumber() ? Double.valueOf(global.path("rope_theta").asDouble())
                : c.path("rope_theta").isNumber() ? Double.valueOf(c.path("rope_theta").asDouble()) : null;
        JsonNode localTheta = ropeParams.path("sliding_attention").path("rope_theta");
        if (!localTheta.isNumber()) {
            localTheta = c.path("rope_local_base_freq");
        }
        Double swaTheta = localTheta.isNumber() ? localTheta.asDouble() : null;

        int window = 0;
        if (family == DecoderFamily.GEMMA3) {
            window = gemma3SlidingWindow(c, layers);
            if (!c.path("attn_logit_softcapping").isMissingNode() && !c.path("attn_logit_softcapping").isNull()) {
                throw new ModelRequestException("config.json sets attn_logit_softcapping, which Gemma 3 does not have; is this a Gemma 2 checkpoint?");
            }
            // llama.cpp does not read query_pre_attn_scalar: it scales queries by 1/sqrt(head_dim), or by
            // 1/sqrt(dim/heads) for the 62-layer 27B; a checkpoint wanting anything else would run wrong
            JsonNode scalar = c.path("query_pre_attn_scalar");
            double expected = layers == 62 ? (double) (dim / heads) : headDim;
            if (scalar.isNumber() && scalar.asDouble() != expected) {
                throw new ModelRequestException("config.json's query_pre_attn_scalar " + scalar.asDouble() + " is not the "
                        + expected + " llama.cpp's gemma3 graph uses for this model size");
            }
        }
        JsonNode softcap = c.path("final_logit_softcapping");
        return new DecoderCheckpoint(family, dim, layers, heads, kvHeads, headDim,
                required(c, "intermediate_size"), required(c, "vocab_size"), c.path("max_position_embeddings").asInt(4096),
                c.path("rms_norm_eps").asDouble(1e-5), theta, explicitHeadDim,
                c.path("tie_word_embeddings").asBoolean(false), scaling, experts, expertsUsed, swaTheta, window,
                softcap.isNumber() && softcap.asDouble() != 0 ? softcap.asDouble() : null, multimodal);
    }

    /** The sliding window, checked against the layer pattern llama.cpp assumes; 0 when every layer is global. */
    private static int gemma3SlidingWindow(JsonNode c, int layers) {
        JsonNode pattern = c.path("sliding_window_pattern");
        if (pattern.canConvertToInt() && pattern.asInt() == 1) {
            return 0; // the script writes no sliding window: every layer global
        }
        if (pattern.canConvertToInt() && pattern.asInt() != GEMMA3_SWA_PATTERN) {
            throw new ModelRequestException("config.json's sliding_window_pattern " + pattern.asInt() + " is not the "
                    + GEMMA3_SWA_PATTERN + " llama.cpp's gemma3 assumes");
        }
        JsonNode types = c.path("layer_types");
        if (types.isArray()) {
            for (int l = 0; l < Math.min(layers, types.size()); l++) {
                String want = l % GEMMA3_SWA_PATTERN < GEMMA3_SWA_PATTERN - 1 ? "sliding_attention" : "full_attention";
                if (!want.equals(types.get(l).asText())) {
                    throw new ModelRequestException("config.json's layer_types[" + l + "] is " + types.get(l) + "; llama.cpp's gemma3"
                            + " assumes five sliding-window layers then one global, so layer " + l + " would be " + want);
                }
            }
        }
        return required(c, "sliding_window");
    }

    /** config.json with a multimodal text_config lifted to the top level and the family's defaults filled in. */
    static JsonNode effectiveConfig(JsonNode config, DecoderFamily family) {
        ObjectNode c = ((ObjectNode) config).deepCopy();
        if (config.path("text_config").isObject()) {
            config.path("text_config").properties().forEach(e -> c.set(e.getKey(), e.getValue()));
        }
        family.configDefaults().forEach((k, v) -> {
            if (!c.hasNonNull(k)) {
                switch (v) {
                    case Integer i -> c.put(k, i);
                    case Double d -> c.put(k, d);
                    case Boolean b -> c.put(k, b);
                    default -> throw new IllegalStateException("default " + k + " of type " + v.getClass());
                }
            }
        });
        return c;
    }

    private static int required(JsonNode c, String key) {
        JsonNode v = c.path(key);
        if (!v.canConvertToInt() || v.asInt() <= 0) {
            throw new ModelRequestException("config.json needs a positive integer " + key + ", found " + (v.isMissingNode() ? "none" : v));
        }
        return v.asInt();
    }

    /**
     * The checkpoint's tensors under the names llama.cpp's name tables use: a multimodal checkpoint's
     * {@code language_model.} dropped (as ModelBase.filter_tensors does) and its vision tower and projector left out.
     */
    public Map<String, SafetensorsTensor> textTensors(Map<String, SafetensorsTensor> tensors) {
        if (!multimodal) {
            return tensors;
        }
        Map<String, SafetensorsTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("vision_tower.") || name.startsWith("multi_modal_projector.")
                    || name.startsWith("model.vision_tower.") || name.startsWith("model.multi_modal_projector.")) {
                continue;
            }
            out.put(name.replace("language_model.", ""), e.getValue());
        }
        return out;
    }

    /**
     * Every tensor to write, in llama.cpp's naming, checked against the checkpoint: each must exist with the shape the
     * config implies, and no tensor may be left over (other than RoPE's cached inv_freq).
     *
     * @param tensors the checkpoint's tensors as {@link #textTensors} names them
     */
    public List<Mapping> mappings(Map<String, SafetensorsTensor> tensors) {
        List<Mapping> plan = plan(l -> tensors.containsKey("model.layers." + l + "." + LayerTensor.QKV_BIASES.getFirst().hf()),
                tensors.containsKey("lm_head.weight") || !tiedEmbeddings);
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Mapping m : plan) {
            for (String hf : m.hfNames()) {
                used.add(hf);
                SafetensorsTensor t = tensors.get(hf);
                if (t == null) {
                    problems.add("missing " + hf);
                } else if (!Arrays.equals(t.shape(), m.hfShape())) {
                    problems.add(hf + " has shape " + Arrays.toString(t.shape()) + ", config.json implies " + Arrays.toString(m.hfShape()));
                }
            }
        }
        for (String name : tensors.keySet()) {
            if (!used.contains(name) && !name.endsWith(".rotary_emb.inv_freq")) {
                problems.add("unexpected tensor " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelRequestException("the checkpoint does not match its config.json as a " + family.ggufName()
                    + (experts > 0 ? " mixture-of-experts" : "") + " model: "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        return plan;
    }

    /**
     * The tensors of a model of this shape, in llama.cpp's order and naming, each with its Hugging Face sources.
     *
     * @param qkvBiases which layers have Q/K/V biases
     * @param lmHead    whether the output projection is its own tensor (not tied to the embeddings)
     */
    public List<Mapping> plan(IntPredicate qkvBiases, boolean lmHead) {
        Map<String, Mapping> out = new LinkedHashMap<>();
        add(out, "token_embd.weight", "model.embed_tokens.weight", new long[] {vocab, dim});
        List<LayerTensor> table = new ArrayList<>();
        family.layerTables().forEach(table::addAll);
        table.addAll(experts > 0 ? LayerTensor.MIXTRAL_FFN : LayerTensor.DENSE_FFN);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            List<LayerTensor> layer = new ArrayList<>(table);
            if (qkvBiases.test(l)) {
                layer.addAll(LayerTensor.QKV_BIASES);
            }
            for (LayerTensor t : layer) {
                int permute = !family.permuteQk() ? 0 : switch (t.permute()) {
                    case NONE -> 0;
                    case Q_HEADS -> heads;
                    case KV_HEADS -> kvHeads;
                };
                List<String> sources = new ArrayList<>();
                if (t.perExpert()) {
                    for (int e = 0; e < experts; e++) {
                        sources.add(p + t.hf().replace("{e}", Integer.toString(e)));
                    }
                } else {
                    sources.add(p + t.hf());
                }
                String gguf = "blk." + l + "." + t.gguf();
                out.put(gguf, new Mapping(gguf, sources, t.shape().of(this), t.perExpert(), permute, shift(t.hf())));
            }
        }
        add(out, "output_norm.weight", "model.norm.weight", new long[] {dim});
        if (lmHead) {
            add(out, "output.weight", "lm_head.weight", new long[] {vocab, dim});
        }
        return List.copyOf(out.values());
    }

    private float shift(String hfName) {
        return hfName.endsWith("norm.weight") ? family.normShift() : 0f;
    }

    private void add(Map<String, Mapping> out, String gguf, String hf, long[] shape) {
        out.put(gguf, new Mapping(gguf, List.of(hf), shape, false, 0, shift(hf)));
    }

    /**
     * llama3 RoPE scaling as llama.cpp's converter writes it: a {@code rope_freqs.weight} of headDim/2 factors
     * that divide each frequency (LlamaModel.generate_extra_tensors), or null when the config has none.
     */
    public float[] llama3RopeFactors() {
        if (family != DecoderFamily.LLAMA || ropeScaling == null || !"llama3".equals(ropeType())) {
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

    private String ropeType() {
        return ropeScaling.path("rope_type").asText(ropeScaling.path("type").asText(""));
    }

    /** The linear RoPE scaling factor, or 0 when there is none. */
    public double linearRopeFactor() {
        if (ropeScaling == null) {
            return 0;
        }
        return ropeType().equals("linear") ? ropeScaling.path("factor").asDouble(0) : 0;
    }
}
