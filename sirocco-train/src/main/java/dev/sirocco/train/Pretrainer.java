package dev.sirocco.train;

import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainableWeights;
import dev.sirocco.train.model.TrainingModel;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Full training of every weight of a model (pretraining from a {@code model.ModelInitializer} file, or full
 * fine-tuning of an existing model), by the same {@link TrainingLoop} as LoRA fine-tuning.
 */
public final class Pretrainer {
    private final BaseModel start;
    private final TrainingConfig config;
    private boolean activationCheckpointing;

    /** The outcome and the trained weights (write them with {@code export.ModelWriter}). */
    public record Result(TrainingLoop.Outcome outcome, TrainableWeights weights) {
    }

    public Pretrainer(BaseModel start, TrainingConfig config) {
        this.start = start;
        this.config = config;
    }

    /** Recompute each block during backward instead of keeping its activations (see {@code autograd.Recompute}). */
    public Pretrainer withActivationCheckpointing(boolean on) {
        this.activationCheckpointing = on;
        return this;
    }

    /**
     * Whether the run recomputes blocks: when asked to, or when one sequence's activations would not fit the heap
     * otherwise ({@link TrainingModel#needsCheckpointing}).
     */
    public boolean checkpointsActivations() {
        return activationCheckpointing || TrainingModel.needsCheckpointing(start.config(), start.weights().output().rows(), config.seqLen());
    }

    public Result run(List<Example> examples, Consumer<TrainingProgress> progress, CheckpointPolicy policy) throws IOException {
        TrainableWeights weights = TrainableWeights.from(start.file(), start.kernels());
        TrainingModel model = new TrainingModel(start, weights).withActivationCheckpointing(checkpointsActivations());
        TrainingLoop.Outcome o = TrainingLoop.run(model, weights.parameters(), examples, config,
                "full " + start.config().dim() + "x" + start.config().layers(), progress, policy);
        return new Result(o, weights);
    }
}
