package dev.sirocco.engine.model;

import dev.sirocco.engine.gguf.GgufMetadata;

/**
 * The hyperparameters of a model, read from GGUF metadata ({@code {arch}.*} keys) with llama.cpp's
 * defaults where a key is optional.
 *
 * @param headDim        per-head size of q and k ({@code attention.key_length}, default dim / heads)
 * @param valueHeadDim   per-head size of v ({@code attention.value_length})
 * @param ropeDim        how many leading elements of each head RoPE rotates
 * @param ropeScale      ggml's freq_scale: 1 / {@code rope.scaling.factor} for linear scaling, else 1
 * @param slidingWindow  window of sliding-window layers (0: none)
 * @param swaLayers      per layer: does it use the sliding window (with its own rope base {@code ropeBaseSwa})
 * @param attentionScale multiplier of q·k (1/sqrt(headDim) unless the family says otherwise)
 * @param logitSoftcap   final logit soft-capping (0: off)
 */
public record ModelConfig(
        Architecture architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int valueHeadDim,
        int ffnDim,
        int contextLength,
        float rmsEps,
        float ropeBase,
        float ropeScale,
        int ropeDim,
        float ropeBaseSwa,
        int slidingWindow,
        boolean[] swaLayers,
        int experts,
        int expertsUsed,
        float attentionScale,
        float logitSoftcap) {

    public static ModelConfig from(GgufMetadata md) {
        Architecture arch = Architecture.fromGguf(md.getString("general.architecture"));
        String p = arch.ggufName() + ".";
        int dim = md.getInt(p + "embedding_length");
        int layers = md.getInt(p + "block_count");
        int heads = md.getInt(p + "attention.head_count");
        int kvHeads = md.getInt(p + "attention.head_count_kv", heads);
        require(dim > 0 && layers > 0 && heads > 0 && kvHeads > 0 && heads % kvHeads == 0,
                "dims: embedding_length=" + dim + ", block_count=" + layers + ", head_count=" + heads
                        + ", head_count_kv=" + kvHeads + " (heads must be a multiple of kv heads)");
        int headDim = md.getInt(p + "attention.key_length", dim / heads);
        int valueHeadDim = md.getInt(p + "attention.value_length", dim / heads);
        int ropeDim = md.getInt(p + "rope.dimension_count", headDim);
        require(headDim > 0 && valueHeadDim > 0 && ropeDim > 0 && ropeDim <= headDim && ropeDim % 2 == 0,
                "head sizes: key_length=" + headDim + ", value_length=" + valueHeadDim + ", rope.dimension_count=" + ropeDim);
        int ffn = md.getInt(p + "feed_forward_length", 0);
        int ctx = md.getInt(p + "context_length", 4096);
        float eps = md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        float ropeBase = md.getFloat(p + "rope.freq_base", 10000f);
        String scalingType = md.getString(p + "rope.scaling.type", "linear");
        float scalingFactor = md.getFloat(p + "rope.scaling.factor", md.getFloat(p + "rope.scale_linear", 0f));
        if (!scalingType.equals("linear") && !scalingType.equals("none") && scalingFactor != 0f && scalingFactor != 1f) {
            throw new UnsupportedModelException("rope.scaling.type '" + scalingType + "' is not supported yet (linear and llama3 rope_freqs are)");
        }
        float ropeScale = scalingType.equals("none") || scalingFactor == 0f ? 1f : 1f / scalingFactor;
        int experts = md.getInt(p + "expert_count", 0);
        int expertsUsed = md.getInt(p + "expert_used_count", 0);
        require(experts == 0 || (expertsUsed > 0 && expertsUsed <= experts),
                "experts: expert_count=" + experts + ", expert_used_count=" + expertsUsed);

        int window = 0;
        boolean[] swa = new boolean[layers];
        float ropeBaseSwa = 10000f;
        float attnScale = (float) (1.0 / Math.sqrt(headDim));
        if (arch == Architecture.GEMMA3) {
            window = md.getInt(p + "attention.sliding_window", 0);
            if (window > 0) {
                // Gemma 3: five sliding-window layers, then one global (llama.cpp's default pattern of 6).
                int pattern = md.getInt(p + "attention.sliding_window_pattern", 6);
                for (int l = 0; l < layers; l++) {
                    swa[l] = pattern == 0 || l % pattern < pattern - 1;
                }
                ropeBaseSwa = md.getFloat(p + "rope.freq_base_swa", 10000f);
            }
            // Gemma 3 27B scales queries by 1/sqrt(dim/heads) rather than 1/sqrt(head_dim) (gemma_pytorch config).
            if (layers == 62) {
                attnScale = (float) (1.0 / Math.sqrt((double) (dim / heads)));
            }
        }
        float softcap = md.getFloat(p + "final_logit_softcapping", 0f);
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, valueHeadDim, ffn, ctx, eps,
                ropeBase, ropeScale, ropeDim, ropeBaseSwa, window, swa, experts, expertsUsed, attnScale, softcap);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new UnsupportedModelException("invalid model hyperparameters: " + what);
        }
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int vDim() {
        return kvHeads * valueHeadDim;
    }

    public boolean isSlidingWindowLayer(int layer) {
        return slidingWindow > 0 && swaLayers[layer];
    }
}
