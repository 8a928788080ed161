package dev.sirocco.train;

import dev.sirocco.train.lora.LoraTarget;

import java.util.Set;

/**
 * How to fine-tune: the CLI's {@code sirocco finetune} flags.
 *
 * @param steps          optimizer steps; 0 to derive them from {@code epochs}
 * @param epochs         passes over the data when {@code steps} is 0
 * @param rank           LoRA rank r
 * @param alpha          LoRA alpha (the update is scaled by alpha / r)
 * @param learningRate   peak learning rate of the warmup + cosine schedule
 * @param batch          sequences per optimizer step (their gradients accumulate before the step)
 * @param seqLen         tokens per sequence at most (longer examples are truncated)
 * @param targets        the projections LoRA adapts
 * @param seed           seeds the LoRA initialisation and the data order: same seed, same adapter, bit for bit
 * @param warmupFraction share of the steps spent warming the learning rate up
 * @param weightDecay    AdamW's decoupled weight decay
 * @param maxGradNorm    clip gradients to this global norm (0: no clipping)
 */
public record FinetuneConfig(int steps, int epochs, int rank, float alpha, float learningRate, int batch, int seqLen,
                             Set<LoraTarget> targets, long seed, double warmupFraction, float weightDecay, double maxGradNorm) {

    public FinetuneConfig {
        targets = Set.copyOf(targets);
        TrainingConfig.require(rank >= 1, "--rank must be at least 1, got " + rank);
        TrainingConfig.require(alpha > 0, "--alpha must be positive, got " + alpha);
        TrainingConfig.require(!targets.isEmpty(), "--targets names no projection");
        new TrainingConfig(steps, epochs, learningRate, batch, seqLen, seed, warmupFraction, weightDecay, maxGradNorm); // validates
    }

    /** The loop settings. */
    public TrainingConfig training() {
        return new TrainingConfig(steps, epochs, learningRate, batch, seqLen, seed, warmupFraction, weightDecay, maxGradNorm);
    }

    /** rank 8, alpha 16, lr 2e-4, batch 4, 512 tokens, all seven projections, 1 epoch, 10% warmup, clip 1. */
    public static FinetuneConfig defaults() {
        return new FinetuneConfig(0, 1, 8, 16f, 2e-4f, 4, 512, Set.of(LoraTarget.values()), 0, 0.1, 0f, 1.0);
    }
}
