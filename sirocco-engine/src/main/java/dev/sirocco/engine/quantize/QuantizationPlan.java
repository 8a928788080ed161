package dev.sirocco.engine.quantize;

import dev.sirocco.engine.tensor.GgmlType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output type of every tensor when a model is quantized to a {@link QuantType}, decided by llama.cpp's
 * rules without an importance matrix (src/llama-quant.cpp: {@code tensor_allows_quantization},
 * {@code llama_tensor_get_type_impl}, {@code tensor_type_fallback}), and the order llama-quantize writes
 * the tensors in. A pure function of the tensor list, the hyperparameters and the target.
 *
 * <p>Some rules count: the i-th attn_v tensor and the i-th ffn_down tensor are judged by their position
 * among all of them, in write order (which is why the whole list is planned at once).
 */
public final class QuantizationPlan {

    /** An input tensor: name, stored type and shape in ggml order (shape[0] = row length). */
    public record Source(String name, GgmlType type, long[] shape) {
        public Source {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private final List<PlannedTensor> tensors;
    private final Map<String, PlannedTensor> byName;

    private QuantizationPlan(List<PlannedTensor> tensors) {
        this.tensors = Collections.unmodifiableList(tensors);
        this.byName = new LinkedHashMap<>();
        for (PlannedTensor t : tensors) {
            byName.put(t.name(), t);
        }
    }

    /** The tensors in llama-quantize's write order, each with its input and output type. */
    public List<PlannedTensor> tensors() {
        return tensors;
    }

    /** The output type of tensor {@code name}. */
    public GgmlType typeOf(String name) {
        PlannedTensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' in the plan");
        }
        return t.to();
    }

    /** Plans {@code sources} (in any order) for {@code target}. */
    public static QuantizationPlan of(List<Source> sources, ModelHparams hp, QuantType target) {
        List<Source> ordered = new ArrayList<>(sources);
        ordered.sort(WRITE_ORDER);
        Rules rules = new Rules(hp, target, ordered);
        List<PlannedTensor> out = new ArrayList<>(ordered.size());
        for (Source s : ordered) {
            out.add(new PlannedTensor(s.name(), s.shape(), s.type(), rules.typeOf(s)));
        }
        return new QuantizationPlan(out);
    }

    /**
     * llama_model_loader's weights_map order (weight_name_comparer): by the layer number of "blk.N." (-1 for
     * tensors outside blocks, so they come first), then by name compared as bytes.
     */
    static final Comparator<Source> WRITE_ORDER = Comparator.<Source>comparingInt(s -> blockIndex(s.name()))
            .thenComparing(s -> s.name().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    /** N for names starting "blk.N." (as sscanf "blk.%d." reads it), else -1. */
    static int blockIndex(String name) {
        Integer n = parseBlock(name);
        return n == null ? -1 : n;
    }

    /** The number sscanf(name, "blk.%d.") reads, or null when it reads none. */
    private static Integer parseBlock(String name) {
        if (!name.startsWith("blk.")) {
            return null;
        }
        int end = 4;
        if (end < name.length() && (name.charAt(end) == '-' || name.charAt(end) == '+')) {
            end++;
        }
        int digitsFrom = end;
        while (end < name.length() && name.charAt(end) >= '0' && name.charAt(end) <= '9') {
            end++;
        }
        if (end == digitsFrom || end - digitsFrom > 9) {
            return null; // no digits (or absurdly many: no model has a billion layers)
        }
        return Integer.parseInt(name, 4, end, 10);
    }

    /**
     * tensor_allows_quantization: only 2-D and 3-D (expert) tensors whose name ends in "weight", never
     * norms, the MoE router, and the small or position-like tensors llama.cpp lists by name.
     */
    static boolean allowsQuantization(String name, long[] shape) {
        if (nDims(shape) < 2) {
            return false; // 1-D tensors (norms, biases) stay as they are
        }
        if (!name.endsWith("weight") || name.contains("_norm.weight")) {
            return false;
        }
        if (name.equals("position_embd.weight") || name.equals("token_types.weight")) {
            return false; // LLM_TENSOR_POS_EMBD, LLM_TENSOR_TOKEN_TYPES (BERT, GPT-2)
        }
        for (String keep : KEPT_AS_IS) {
            if (name.contains(keep)) {
                return false;
            }
        }
        return true;
    }

    /** Name fragments llama.cpp never quantizes (tensor_allows_quantization, in its order). */
    private static final List<String> KEPT_AS_IS = List.of(
            "ffn_gate_inp.weight",          // MoE router: tiny and sensitive
            "ffn_gate_tid2eid.weight",      // DeepSeek-V4 token -> expert table (i32)
            "altup", "laurel",              // Gemma 3n: 4x4-like
            "per_layer_model_proj",         // Gemma 3n: small
            "ssm_conv1d", "shortconv.conv.weight",
            "indexer.k_proj.weight", "indexer.q_proj.weight",
            "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
            "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
            "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
            "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight",
            "attn_rel_b.weight",            // T5 relative position bias
            ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd",
            ".patch_merger",                // multimodal projector parts
            "a.rvq.codebook", "mm.a.code_embd");

    /** ggml_n_dims: the number of dimensions once trailing dimensions of 1 are dropped (at least 1). */
    static int nDims(long[] shape) {
        int n = shape.length;
        while (n > 1 && shape[n - 1] == 1) {
            n--;
        }
        return Math.max(1, n);
    }

    /** The per-model state of llama_tensor_get_type: counters that advance as tensors are judged in order. */
    private static final class Rules {
        private final ModelHparams hp;
        private final QuantType ftype;
        private final boolean falcon;
        private final boolean tiedEmbeddings;
        private final int nAttentionWv;
        private final int nFfnLayers;
        private int iAttentionWv;
        private int iFfnDown;
        private int iFfnGate;
        private int iFfnUp;

        Rules(ModelHparams hp, QuantType ftype, List<Source> all) {
            this.hp = hp;
            this.ftype = ftype;
            this.falcon = hp.arch().equals("falcon");
            int wv = 0;
            boolean hasOutput = false;
            for (Source s : all) {
                TensorCategory c = TensorCategory.of(s.name());
                if (c.isAttnV()) {
                    wv++; // counted over every tensor, quantizable or not (init_quantize_state_counters)
                }
                hasOutput |= c == TensorCategory.OUTPUT;
            }
            this.nAttentionWv = wv;
            this.tiedEmbeddings = !hasOutput; // has_tied_embeddings: true until output.weight is seen
            this.nFfnLayers = hp.nLayer();    // n_ffn_down = n_ffn_gate = n_ffn_up = n_layer_all
        }

        /** llama_tensor_get_type for one tensor; must be called in write order. */
        GgmlType typeOf(Source s) {
            if (!allowsQuantization(s.name(), s.shape())) {
                return s.type();
            }
            GgmlType chosen = byRole(s, TensorCategory.of(s.name()), ftype.defaultType());
            return fallback(s.shape()[0], chosen);
        }

        /** llama_tensor_get_type_impl, reduced to the branches that can fire for q8_0, q4_0, q4_k_m, q5_k_m, q6_k. */
        private GgmlType byRole(Source s, TensorCategory cat, GgmlType type) {
            long nx = s.shape()[0];
            boolean kM = ftype == QuantType.Q4_K_M || ftype == QuantType.Q5_K_M;

            // Rule 1: output.weight, and token_embd.weight when it doubles as the output (tied embeddings),
            // gets Q6_K unless the target is Q8_0 already; Q8_0 if the row does not fit the target's block or
            // the model is Falcon ("for arches that share the same tensor ..." branch).
            if (cat == TensorCategory.OUTPUT || (tiedEmbeddings && cat == TensorCategory.TOKEN_EMBD)) {
                if (falcon || nx % type.blockSize() != 0) {
                    return GgmlType.Q8_0;
                }
                return type == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
            }
            // Rule 2: an untied token_embd keeps the default type (only IQ/TQ ftypes change it).
            if (cat == TensorCategory.TOKEN_EMBD) {
                return type;
            }
            // Rule 3: attn_v-like tensors (attn_v, attn_qkv, attn_kv_b; category_is_attn_v). This branch comes
            // before the ATTENTION_QKV one, so fused QKV tensors follow it and that later branch never fires.
            if (cat.isAttnV()) {
                // 3a: Q4_K_M / Q5_K_M give Q6_K to the first and last eighth of them and every third between.
                if (kM && useMoreBits(iAttentionWv, nAttentionWv)) {
                    type = GgmlType.Q6_K;
                }
                // 3b: a 70B model's attn_v is 8x smaller than attn_q, so Q3_K/Q4_K become Q5_K.
                if (hp.is70B() && (type == GgmlType.Q3_K || type == GgmlType.Q4_K)) {
                    type = GgmlType.Q5_K;
                }
                // 3c: 8-expert models (Mixtral) take Q8_0 ("trades just ~128MB").
                if (hp.nExpert() == 8) {
                    type = GgmlType.Q8_0;
                }
                iAttentionWv++;
                return type;
            }
            // Rule 4: attn_k of 8-expert models takes Q8_0 too.
            if (cat == TensorCategory.ATTENTION_K) {
                return hp.nExpert() == 8 ? GgmlType.Q8_0 : type;
            }
            // Rule 5: ffn_down (dense, experts, shared experts): Q4_K_M and Q5_K_M give Q6_K to the layers
            // use_more_bits picks; Falcon's Q4_K_M has its own ladder (Q6_K / Q5_K / Q4_K).
            if (cat == TensorCategory.FFN_DOWN) {
                int layer = layerOf(iFfnDown, s.name());
                iFfnDown++;
                if (ftype == QuantType.Q4_K_M && falcon) {
                    return layer < nFfnLayers / 16 ? GgmlType.Q6_K
                            : useMoreBits(layer, nFfnLayers) ? GgmlType.Q5_K : GgmlType.Q4_K;
                }
                if (kM && useMoreBits(layer, nFfnLayers)) {
                    return GgmlType.Q6_K;
                }
                return type;
            }
            // Rule 6: attn_output of 8-expert models takes Q5_K under Q4_K_M (not on Falcon).
            if (cat == TensorCategory.ATTENTION_OUTPUT) {
                return !falcon && hp.nExpert() == 8 && ftype == QuantType.Q4_K_M ? GgmlType.Q5_K : type;
            }
            // Rule 7: ffn_gate / ffn_up only change for IQ3_XS, but their layer is still checked and counted.
            if (cat == TensorCategory.FFN_GATE) {
                layerOf(iFfnGate++, s.name());
            } else if (cat == TensorCategory.FFN_UP) {
                layerOf(iFfnUp++, s.name());
            }
            // attn_q and everything else: the default type.
            return type;
        }

        /**
         * layer_info: the counter itself for dense models; for MoE models the "blk.N." of the name, because
         * Mixtral's experts are not stored consecutively.
         */
        private int layerOf(int counter, String name) {
            if (Math.max(1, hp.nExpert()) <= 1) {
                return counter;
            }
            Integer layer = parseBlock(name);
            if (layer == null) {
                throw new IllegalArgumentException("failed to determine the layer of tensor " + name);
            }
            if (layer < 0 || layer >= nFfnLayers) {
                throw new IllegalArgumentException("bad layer " + layer + " for tensor " + name
                        + ", must be in [0, " + nFfnLayers + ")");
            }
            return layer;
        }

        /** use_more_bits: the first and last eighth of the layers, and every third layer between. */
        static boolean useMoreBits(int i, int n) {
            return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
        }

        /**
         * tensor_type_fallback: a row length that is not a multiple of the chosen type's block takes a
         * 32-element type of about the same size (Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, Q2_K/Q3_K ->
         * Q4_0; a 32-block type stays), and F16 if even that does not fit.
         */
        private static GgmlType fallback(long ncols, GgmlType type) {
            if (ncols % type.blockSize() == 0) {
                return type;
            }
            GgmlType t = switch (type) {
                case Q2_K, Q3_K -> GgmlType.Q4_0;
                case Q4_K -> GgmlType.Q5_0;
                case Q5_K -> GgmlType.Q5_1;
                case Q6_K -> GgmlType.Q8_0;
                default -> {
                    if (type.blockSize() <= 32) {
                        yield type;
                    }
                    throw new IllegalArgumentException("no fallback type is defined for " + type);
                }
            };
            return ncols % t.blockSize() == 0 ? t : GgmlType.F16;
        }
    }
}
