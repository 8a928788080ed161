package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.Tensor;

/**
 * The weights of one transformer block. Optional parts are null when the file has no such tensor;
 * their presence is what turns features on (biases, QK-norm, post-norms, experts).
 */
public record LayerWeights(
        float[] attnNorm,        // (dim)
        Linear q,                // (dim -> heads * headDim)
        Linear k,                // (dim -> kvHeads * headDim)
        Linear v,                // (dim -> kvHeads * valueHeadDim)
        Linear o,                // (heads * valueHeadDim -> dim)
        float[] qNorm,           // (headDim) or null: per-head RMSNorm of q (Qwen 3, Gemma 3)
        float[] kNorm,           // (headDim) or null
        float[] postAttnNorm,    // (dim) or null: RMSNorm of the attention output (Gemma 3)
        float[] ffnNorm,         // (dim)
        Linear gate,             // (dim -> ffn) dense FFN, null with experts
        Linear up,               // (dim -> ffn)
        Linear down,             // (ffn -> dim)
        float[] postFfnNorm,     // (dim) or null (Gemma 3)
        Tensor router,           // (dim -> experts) or null: expert gating logits
        Tensor gateExperts,      // (dim, ffn, experts) or null
        Tensor upExperts,        // (dim, ffn, experts)
        Tensor downExperts,      // (ffn, dim, experts)
        float[] ropeFreqs) {     // (ropeDim / 2) or null: llama3 frequency divisors

    public boolean hasExperts() {
        return router != null;
    }
}
