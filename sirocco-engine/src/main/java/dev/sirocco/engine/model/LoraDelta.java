package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.Tensor;

/**
 * One adapter's low-rank update to a projection: {@code y += scale * B (A x)}, as llama.cpp's build_lora_mm adds it.
 *
 * @param a     (in → rank): {in, rank} in ggml order
 * @param b     (rank → out): {rank, out}
 * @param scale user scale × alpha / rank
 */
public record LoraDelta(Tensor a, Tensor b, float scale) {
    public int rank() {
        return Math.toIntExact(a.rows());
    }
}
