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

    /** The dense projection named as in llama.cpp's tensor names ({@code attn_q} … {@code ffn_down}), or null. */
    public Linear projection(String name) {
        return switch (name) {
            case "attn_q" -> q;
            case "attn_k" -> k;
            case "attn_v" -> v;
            case "attn_output" -> o;
            case "ffn_gate" -> gate;
            case "ffn_up" -> up;
            case "ffn_down" -> down;
            default -> null;
        };
    }

    /** These weights with projection {@code name} replaced by {@code p}. */
    public LayerWeights withProjection(String name, Linear p) {
        return new LayerWeights(attnNorm,
                name.equals("attn_q") ? p : q, name.equals("attn_k") ? p : k, name.equals("attn_v") ? p : v,
                name.equals("attn_output") ? p : o, qNorm, kNorm, postAttnNorm, ffnNorm,
                name.equals("ffn_gate") ? p : gate, name.equals("ffn_up") ? p : up, name.equals("ffn_down") ? p : down,
                postFfnNorm, router, gateExperts, upExperts, downExperts, ropeFreqs);
    }
}
