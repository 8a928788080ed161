package dev.sirocco.train;

/** Where a run stands after an optimizer step: for progress lines and job events. */
public record TrainingProgress(int step, int steps, double loss, double learningRate, double gradNorm,
                               double tokensPerSecond, double etaSeconds) {
}
