package dev.sirocco.train.lora;

import dev.sirocco.train.autograd.Parameter;

/**
 * The trainable factors of one adapted projection {@code W} ({in, out}): {@code y = W x + scale * B (A x)}.
 *
 * @param weightName the base weight, e.g. {@code blk.0.attn_q.weight}
 * @param a          (rank, in): llama.cpp's {@code .lora_a}, {in, rank} in ggml order
 * @param b          (out, rank): {@code .lora_b}, {rank, out}
 * @param scale      alpha / rank
 */
public record LoraPair(String weightName, Parameter a, Parameter b, float scale) {
    public int rank() {
        return a.rows;
    }
}
