package dev.sirocco.models.convert;

import java.util.List;

/**
 * One row of a family's per-layer name table: llama.cpp's tensor name (gguf-py's tensor_mapping.py) for a Hugging
 * Face tensor under {@code model.layers.N.}, the shape the config implies for it, and how its rows are reordered.
 * A name holding {@code {e}} is one tensor per expert, stacked by llama.cpp into a single [experts, ...] tensor.
 */
public record LayerTensor(String gguf, String hf, Shape shape, Permute permute) {

    /** The PyTorch shape (outer dimension first) of one source tensor, from the checkpoint's sizes. */
    public enum Shape {
        DIM, HEAD_DIM, Q, KV, Q_BY_DIM, KV_BY_DIM, DIM_BY_Q, FFN_BY_DIM, DIM_BY_FFN, EXPERTS_BY_DIM;

        long[] of(DecoderCheckpoint c) {
            long q = (long) c.heads() * c.headDim();
            long kv = (long) c.kvHeads() * c.headDim();
            return switch (this) {
                case DIM -> new long[] {c.dim()};
                case HEAD_DIM -> new long[] {c.headDim()};
                case Q -> new long[] {q};
                case KV -> new long[] {kv};
                case Q_BY_DIM -> new long[] {q, c.dim()};
                case KV_BY_DIM -> new long[] {kv, c.dim()};
                case DIM_BY_Q -> new long[] {c.dim(), q};
                case FFN_BY_DIM -> new long[] {c.ffn(), c.dim()};
                case DIM_BY_FFN -> new long[] {c.dim(), c.ffn()};
                case EXPERTS_BY_DIM -> new long[] {c.experts(), c.dim()};
            };
        }
    }

    /** Which heads the rows are permuted by, for families whose Q/K rows llama.cpp reorders ({@link QkPermutation}). */
    public enum Permute { NONE, Q_HEADS, KV_HEADS }

    public boolean perExpert() {
        return hf.contains("{e}");
    }

    static LayerTensor of(String gguf, String hf, Shape shape) {
        return new LayerTensor(gguf, hf, shape, Permute.NONE);
    }

    /** Pre-norms as llama, Mistral and Qwen name them. */
    static final List<LayerTensor> LLAMA_NORMS = List.of(
            of("attn_norm.weight", "input_layernorm.weight", Shape.DIM),
            of("ffn_norm.weight", "post_attention_layernorm.weight", Shape.DIM));

    /** Gemma 2/3's sandwich norms: HF's post_attention_layernorm is the norm after attention, not before the FFN. */
    static final List<LayerTensor> GEMMA_NORMS = List.of(
            of("attn_norm.weight", "input_layernorm.weight", Shape.DIM),
            of("post_attention_norm.weight", "post_attention_layernorm.weight", Shape.DIM),
            of("ffn_norm.weight", "pre_feedforward_layernorm.weight", Shape.DIM),
            of("post_ffw_norm.weight", "post_feedforward_layernorm.weight", Shape.DIM));

    static final List<LayerTensor> ATTENTION = List.of(
            new LayerTensor("attn_q.weight", "self_attn.q_proj.weight", Shape.Q_BY_DIM, Permute.Q_HEADS),
            new LayerTensor("attn_k.weight", "self_attn.k_proj.weight", Shape.KV_BY_DIM, Permute.KV_HEADS),
            of("attn_v.weight", "self_attn.v_proj.weight", Shape.KV_BY_DIM),
            of("attn_output.weight", "self_attn.o_proj.weight", Shape.DIM_BY_Q));

    /** Q/K/V biases (Qwen 2; written for llama checkpoints that have them): all three or none. */
    static final List<LayerTensor> QKV_BIASES = List.of(
            new LayerTensor("attn_q.bias", "self_attn.q_proj.bias", Shape.Q, Permute.Q_HEADS),
            new LayerTensor("attn_k.bias", "self_attn.k_proj.bias", Shape.KV, Permute.KV_HEADS),
            of("attn_v.bias", "self_attn.v_proj.bias", Shape.KV));

    static final List<LayerTensor> QK_NORMS = List.of(
            of("attn_q_norm.weight", "self_attn.q_norm.weight", Shape.HEAD_DIM),
            of("attn_k_norm.weight", "self_attn.k_norm.weight", Shape.HEAD_DIM));

    static final List<LayerTensor> DENSE_FFN = List.of(
            of("ffn_gate.weight", "mlp.gate_proj.weight", Shape.FFN_BY_DIM),
            of("ffn_up.weight", "mlp.up_proj.weight", Shape.FFN_BY_DIM),
            of("ffn_down.weight", "mlp.down_proj.weight", Shape.DIM_BY_FFN));

    /** Mixtral's experts (w1 gate, w2 down, w3 up) and router, as LlamaModel stacks them. */
    static final List<LayerTensor> MIXTRAL_FFN = List.of(
            of("ffn_gate_inp.weight", "block_sparse_moe.gate.weight", Shape.EXPERTS_BY_DIM),
            of("ffn_gate_exps.weight", "block_sparse_moe.experts.{e}.w1.weight", Shape.FFN_BY_DIM),
            of("ffn_down_exps.weight", "block_sparse_moe.experts.{e}.w2.weight", Shape.DIM_BY_FFN),
            of("ffn_up_exps.weight", "block_sparse_moe.experts.{e}.w3.weight", Shape.FFN_BY_DIM));
}
