package dev.sirocco.train;

import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.lora.TrainableLora;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainingModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** LoRA fine-tuning over a frozen base: fresh seeded LoRA factors on the configured projections, trained by {@link TrainingLoop}. */
public final class Finetuner {
    private final BaseModel base;
    private final FinetuneConfig config;
    private boolean activationCheckpointing;

    public Finetuner(BaseModel base, FinetuneConfig config) {
        this.base = base;
        this.config = config;
    }

    /** Recompute each block during backward instead of keeping its activations (see {@code autograd.Recompute}). */
    public Finetuner withActivationCheckpointing(boolean on) {
        this.activationCheckpointing = on;
        return this;
    }

    /**
     * Whether the run recomputes blocks: when asked to, or when one sequence's activations would not fit the heap
     * otherwise ({@link TrainingModel#needsCheckpointing}).
     */
    public boolean checkpointsActivations() {
        return activationCheckpointing || TrainingModel.needsCheckpointing(base.config(), base.weights().output().rows(), config.training().seqLen());
    }

    /** The number of optimizer steps a run over {@code examples} takes. */
    public int steps(int examples) {
        return config.training().stepsFor(examples);
    }

    public TrainingResult run(List<Example> examples, Consumer<TrainingProgress> progress) {
        try {
            return run(examples, progress, CheckpointPolicy.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no checkpoints: no I/O
        }
    }

    /**
     * As {@link #run(List, Consumer)}, saving a checkpoint every {@code policy.every()} steps and, with
     * {@code policy.resume()}, continuing from the latest one: the result is then bit-identical to an uninterrupted run.
     */
    public TrainingResult run(List<Example> examples, Consumer<TrainingProgress> progress, CheckpointPolicy policy) throws IOException {
        return run(examples, (p, model) -> progress.accept(p), policy);
    }

    /**
     * As {@link #run(List, Consumer, CheckpointPolicy)}; after each step {@code progress} also gets the model as
     * trained so far (base + the adapter's current weights), to measure held-out loss, say. It must not change it.
     */
    public TrainingResult run(List<Example> examples, BiConsumer<TrainingProgress, TrainingModel> progress, CheckpointPolicy policy)
            throws IOException {
        TrainableLora lora = TrainableLora.init(base.weights(), config.targets(), config.rank(), config.alpha(), config.seed());
        TrainingModel model = new TrainingModel(base, lora).withActivationCheckpointing(checkpointsActivations());
        TrainingLoop.Outcome o = TrainingLoop.run(model, lora.parameters(), examples, config.training(),
                "lora " + config.rank() + "/" + config.alpha() + " " + config.targets().stream().sorted().toList(),
                p -> progress.accept(p, model), policy);
        return new TrainingResult(o.initialLoss(), o.finalLoss(), o.steps(), o.tokensPerSecond(), lora);
    }
}
