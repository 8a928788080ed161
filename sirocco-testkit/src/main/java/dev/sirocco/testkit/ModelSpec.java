package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link RandomModels} needs to write a random-weight GGUF model: architecture, sizes,
 * architecture options, tensor types, seed and vocabulary. Build one with {@link #builder(String)} or a
 * preset ({@link #tinyLlama()}, ...), vary it with {@link #toBuilder()}.
 *
 * @param arch             {@code general.architecture}: "llama" (also Mistral and Mixtral), "qwen2", "qwen3" or "gemma3"
 * @param dim              embedding length
 * @param layers           block count
 * @param heads            attention heads
 * @param kvHeads          key/value heads (GQA when fewer than {@code heads})
 * @param headDim          per-head size; written as {@code attention.key_length/value_length} when it differs from dim/heads
 *                         (always for qwen3 and gemma3, as their converters do)
 * @param ffn              feed-forward length (per expert for MoE)
 * @param contextLength    {@code context_length}
 * @param rmsEps           {@code attention.layer_norm_rms_epsilon}
 * @param ropeBase         {@code rope.freq_base}
 * @param tiedEmbeddings   no {@code output.weight}: llama.cpp reuses {@code token_embd.weight}
 * @param llama3Rope       write {@code rope_freqs.weight} as convert_hf_to_gguf.py does for rope_type llama3
 *                         (factor 8, low/high frequency factors 1/4, original context 8192)
 * @param experts          MoE expert count (0: dense FFN)
 * @param expertsUsed      experts routed per token
 * @param qkvBias          add {@code attn_q/k/v.bias} (qwen2)
 * @param qkNorm           add {@code attn_q_norm/attn_k_norm.weight} of headDim (qwen3, gemma3)
 * @param slidingWindow    gemma3 {@code attention.sliding_window} (0: none); llama.cpp then makes 5 of every 6 layers local
 * @param ropeBaseSwa      gemma3 {@code rope.freq_base_swa}, or NaN to leave it out (llama.cpp then uses 10000)
 * @param softcap          gemma3 {@code final_logit_softcapping}, or NaN to leave it out
 * @param weightType       type of every 2-D and 3-D weight unless overridden (the MoE router stays F32); 1-D tensors
 *                         are always F32 like llama.cpp
 * @param typeOverrides    type per weight base name (the name without {@code blk.N.} and {@code .weight}, e.g.
 *                         "token_embd", "output", "attn_v", "ffn_down_exps")
 * @param weightScale      weights are Gaussian with std {@code weightScale / sqrt(row length)}, so activations stay O(1)
 * @param logitScale       the logits' spread: {@code output} has std {@code logitScale / sqrt(dim)} (with tied embeddings
 *                         {@code output_norm} is scaled instead), large enough that greedy top-2 gaps mostly exceed
 *                         rounding noise (see {@link ModelLayout})
 * @param seed             seeds every tensor (each tensor draws from its own stream, derived from seed and name)
 * @param tokenizer        the tokenizer metadata written to the file (its token count sets the vocabulary size)
 */
public record ModelSpec(
        String arch, int dim, int layers, int heads, int kvHeads, int headDim, int ffn,
        int contextLength, float rmsEps, float ropeBase,
        boolean tiedEmbeddings, boolean llama3Rope, int experts, int expertsUsed,
        boolean qkvBias, boolean qkNorm, int slidingWindow, float ropeBaseSwa, float softcap,
        GgmlType weightType, Map<String, GgmlType> typeOverrides, float weightScale, float logitScale, long seed,
        TokenizerMetadata tokenizer) {

    public ModelSpec {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(weightType, "weightType");
        Objects.requireNonNull(tokenizer, "tokenizer");
        typeOverrides = Map.copyOf(typeOverrides);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " must be a multiple of kvHeads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim must be even for RoPE, got " + headDim);
        }
        if (experts > 0 && (expertsUsed < 1 || expertsUsed > experts)) {
            throw new IllegalArgumentException("expertsUsed must be in 1.." + experts + ", got " + expertsUsed);
        }
        if (arch.equals("qwen2") && heads * headDim != dim) {
            throw new IllegalArgumentException("llama.cpp's qwen2 needs heads * headDim == dim");
        }
    }

    /**
     * The type a weight with this base name gets: its override, else {@code weightType}, except the MoE router
     * {@code ffn_gate_inp}, which stays F32 as convert_hf_to_gguf.py and llama-quantize leave it.
     */
    public GgmlType typeOf(String baseName) {
        GgmlType fallback = baseName.equals("ffn_gate_inp") ? GgmlType.F32 : weightType;
        return typeOverrides.getOrDefault(baseName, fallback);
    }

    /** Whether {@code attention.key_length/value_length} are written. */
    public boolean writesHeadDim() {
        return headDim * heads != dim || arch.equals("qwen3") || arch.equals("gemma3");
    }

    /** Llama 2 style: dim 64, 2 layers, 4 heads, 2 KV heads, ffn 128, untied output, synthetic SPM vocabulary. */
    public static ModelSpec tinyLlama() {
        return builder("llama").build();
    }

    /** Llama 3 style: tied embeddings (as in Llama 3.2 1B/3B) and llama3 RoPE frequency factors. */
    public static ModelSpec tinyLlama3() {
        return builder("llama").tiedEmbeddings(true).llama3Rope(true).ropeBase(500000f).build();
    }

    /** Mistral 7B style: llama architecture with GQA 4:1 and rope base 1e6. */
    public static ModelSpec tinyMistral() {
        return builder("llama").heads(8).kvHeads(2).headDim(8).ropeBase(1_000_000f).build();
    }

    /** Mixtral style: llama architecture with 4 experts, 2 used per token. */
    public static ModelSpec tinyMixtral() {
        return builder("llama").experts(4, 2).ropeBase(1_000_000f).build();
    }

    /** Qwen2 style: biases on Q/K/V, rope base 1e6, eps 1e-6. */
    public static ModelSpec tinyQwen2() {
        return builder("qwen2").qkvBias(true).ropeBase(1_000_000f).rmsEps(1e-6f).build();
    }

    /** Qwen3 style: Q/K RMS norms, head_dim 32 (heads * headDim != dim, as in real Qwen3), tied embeddings. */
    public static ModelSpec tinyQwen3() {
        return builder("qwen3").headDim(32).qkNorm(true).tiedEmbeddings(true).ropeBase(1_000_000f).rmsEps(1e-6f).build();
    }

    /**
     * Gemma 3 style: Q/K norms, post-attention and post-FFN norms, tied embeddings, 1 KV head, sliding window 4
     * and 6 layers, so llama.cpp's default pattern makes layers 0-4 local and layer 5 global.
     */
    public static ModelSpec tinyGemma3() {
        return builder("gemma3").layers(6).kvHeads(1).headDim(32).qkNorm(true).tiedEmbeddings(true).slidingWindow(4)
                .ropeBase(1_000_000f).rmsEps(1e-6f).build();
    }

    public static Builder builder(String arch) {
        return new Builder(arch);
    }

    public Builder toBuilder() {
        Builder b = new Builder(arch);
        b.dim = dim;
        b.layers = layers;
        b.heads = heads;
        b.kvHeads = kvHeads;
        b.headDim = headDim;
        b.ffn = ffn;
        b.contextLength = contextLength;
        b.rmsEps = rmsEps;
        b.ropeBase = ropeBase;
        b.tiedEmbeddings = tiedEmbeddings;
        b.llama3Rope = llama3Rope;
        b.experts = experts;
        b.expertsUsed = expertsUsed;
        b.qkvBias = qkvBias;
        b.qkNorm = qkNorm;
        b.slidingWindow = slidingWindow;
        b.ropeBaseSwa = ropeBaseSwa;
        b.softcap = softcap;
        b.weightType = weightType;
        b.typeOverrides.putAll(typeOverrides);
        b.weightScale = weightScale;
        b.logitScale = logitScale;
        b.seed = seed;
        b.tokenizer = tokenizer;
        return b;
    }

    /** Builds a {@link ModelSpec}; defaults: dim 64, 2 layers, 4 heads, 2 KV heads, ffn 128, F32, seed 42. */
    public static final class Builder {
        private final String arch;
        private int dim = 64;
        private int layers = 2;
        private int heads = 4;
        private int kvHeads = 2;
        private int headDim = -1; // dim / heads unless set
        private int ffn = 128;
        private int contextLength = 2048;
        private float rmsEps = 1e-5f;
        private float ropeBase = 10000f;
        private boolean tiedEmbeddings;
        private boolean llama3Rope;
        private int experts;
        private int expertsUsed;
        private boolean qkvBias;
        private boolean qkNorm;
        private int slidingWindow;
        private float ropeBaseSwa = Float.NaN;
        private float softcap = Float.NaN;
        private GgmlType weightType = GgmlType.F32;
        private final Map<String, GgmlType> typeOverrides = new LinkedHashMap<>();
        private float weightScale = 1f;
        private float logitScale = 3f;
        private long seed = 42;
        private TokenizerMetadata tokenizer;

        private Builder(String arch) {
            this.arch = arch;
        }

        public Builder dim(int v) { dim = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder kvHeads(int v) { kvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder ffn(int v) { ffn = v; return this; }
        public Builder contextLength(int v) { contextLength = v; return this; }
        public Builder rmsEps(float v) { rmsEps = v; return this; }
        public Builder ropeBase(float v) { ropeBase = v; return this; }
        public Builder tiedEmbeddings(boolean v) { tiedEmbeddings = v; return this; }
        public Builder llama3Rope(boolean v) { llama3Rope = v; return this; }
        public Builder experts(int count, int used) { experts = count; expertsUsed = used; return this; }
        public Builder qkvBias(boolean v) { qkvBias = v; return this; }
        public Builder qkNorm(boolean v) { qkNorm = v; return this; }
        public Builder slidingWindow(int v) { slidingWindow = v; return this; }
        public Builder ropeBaseSwa(float v) { ropeBaseSwa = v; return this; }
        public Builder softcap(float v) { softcap = v; return this; }
        public Builder weightType(GgmlType v) { weightType = v; return this; }
        /** Overrides the type of the weights with this base name ("token_embd", "output", "attn_q", "ffn_down", ...). */
        public Builder type(String baseName, GgmlType v) { typeOverrides.put(baseName, v); return this; }
        public Builder weightScale(float v) { weightScale = v; return this; }
        public Builder logitScale(float v) { logitScale = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder tokenizer(TokenizerMetadata v) { tokenizer = v; return this; }

        public ModelSpec build() {
            int hd = headDim > 0 ? headDim : dim / heads;
            TokenizerMetadata vocab = tokenizer != null ? tokenizer : TokenizerMetadata.syntheticSpm();
            return new ModelSpec(arch, dim, layers, heads, kvHeads, hd, ffn, contextLength, rmsEps, ropeBase,
                    tiedEmbeddings, llama3Rope, experts, expertsUsed, qkvBias, qkNorm, slidingWindow, ropeBaseSwa,
                    softcap, weightType, typeOverrides, weightScale, logitScale, seed, vocab);
        }
    }
}
