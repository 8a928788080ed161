package dev.sirocco.train;

import dev.sirocco.train.lora.TrainableLora;

/**
 * The outcome of a run: the loss of the first step's batch before any update, the loss of the last step's batch
 * (before its update), steps taken, throughput, and the trained adapter.
 */
public record TrainingResult(double initialLoss, double finalLoss, int steps, double tokensPerSecond, TrainableLora lora) {
}
