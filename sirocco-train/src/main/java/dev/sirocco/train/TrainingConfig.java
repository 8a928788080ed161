package dev.sirocco.train;

/**
 * The settings of the training loop shared by fine-tuning and pretraining.
 *
 * @param steps          optimizer steps; 0 to derive them from {@code epochs}
 * @param epochs         passes over the data when {@code steps} is 0
 * @param learningRate   peak learning rate of the warmup + cosine schedule
 * @param batch          sequences per optimizer step (their gradients accumulate before the step)
 * @param seqLen         tokens per sequence at most (longer examples are truncated)
 * @param seed           seeds initialisation and data order: same seed, same result, bit for bit
 * @param warmupFraction share of the steps spent warming the learning rate up
 * @param weightDecay    AdamW's decoupled weight decay
 * @param maxGradNorm    clip gradients to this global norm (0: no clipping)
 */
public record TrainingConfig(int steps, int epochs, float learningRate, int batch, int seqLen, long seed,
                             double warmupFraction, float weightDecay, double maxGradNorm) {

    public TrainingConfig {
        require(steps >= 0, "--steps must be 0 or more, got " + steps);
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(learningRate > 0 && Float.isFinite(learningRate), "--lr must be a positive number, got " + learningRate);
        require(batch >= 1, "--batch must be at least 1, got " + batch);
        require(seqLen >= 2, "--seq-len must be at least 2, got " + seqLen);
        require(warmupFraction >= 0 && warmupFraction < 1, "the warmup fraction must be in [0, 1), got " + warmupFraction);
        require(weightDecay >= 0, "weight decay must be 0 or more, got " + weightDecay);
        require(maxGradNorm >= 0, "the gradient clipping norm must be 0 or more, got " + maxGradNorm);
    }

    /** The number of optimizer steps a run over {@code examples} takes. */
    public int stepsFor(int examples) {
        return steps > 0 ? steps : epochs * ((examples + batch - 1) / batch);
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
