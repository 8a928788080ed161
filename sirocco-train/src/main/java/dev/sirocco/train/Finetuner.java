package dev.sirocco.train;

import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;
import dev.sirocco.train.checkpoint.Checkpoint;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.lora.TrainableLora;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainingModel;
import dev.sirocco.train.optim.AdamW;
import dev.sirocco.train.optim.GradientClipping;
import dev.sirocco.train.schedule.CosineSchedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * LoRA fine-tuning over a frozen base: each step runs forward and backward on {@code batch} sequences (their
 * gradients accumulate; the loss is the mean over every trained token of the batch), clips the global gradient norm,
 * and takes an AdamW step at the schedule's learning rate. The data order is a seeded shuffle per epoch, so a run is
 * reproducible bit for bit from its seed.
 */
public final class Finetuner {
    private final BaseModel base;
    private final FinetuneConfig config;

    public Finetuner(BaseModel base, FinetuneConfig config) {
        this.base = base;
        this.config = config;
    }

    /** The number of optimizer steps a run over {@code examples} takes. */
    public int steps(int examples) {
        return config.steps() > 0 ? config.steps() : config.epochs() * ((examples + config.batch() - 1) / config.batch());
    }

    public TrainingResult run(List<Example> examples, Consumer<TrainingProgress> progress) {
        try {
            return run(examples, progress, CheckpointPolicy.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no checkpoints: no I/O
        }
    }

    /**
     * As {@link #run(List, Consumer)}, saving a {@link Checkpoint} every {@code policy.every()} steps and, with
     * {@code policy.resume()}, continuing from the latest one: the result is then bit-identical to an uninterrupted run.
     */
    public TrainingResult run(List<Example> examples, Consumer<TrainingProgress> progress, CheckpointPolicy policy) throws IOException {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        List<Example> data = new ArrayList<>();
        for (Example e : examples) {
            data.add(e.truncated(config.seqLen()));
        }
        TrainableLora lora = TrainableLora.init(base.weights(), config.targets(), config.rank(), config.alpha(), config.seed());
        TrainingModel model = new TrainingModel(base, lora);
        List<Parameter> params = lora.parameters();
        AdamW adam = AdamW.standard(params, config.weightDecay());
        int steps = steps(data.size());
        CosineSchedule schedule = new CosineSchedule(config.learningRate(), 0, (int) (config.warmupFraction() * steps), steps);
        DataOrder order = new DataOrder(data.size(), config.seed());
        String fingerprint = fingerprint(data);

        double initial = Double.NaN;
        double last = Double.NaN;
        int first = 0;
        Path resumeFrom = policy.resume() ? Checkpoint.latest(policy.dir()) : null;
        if (resumeFrom != null) {
            Checkpoint c = Checkpoint.restore(resumeFrom, fingerprint, params, adam);
            first = c.step();
            initial = c.initialLoss();
            order.seek(c.epoch(), c.position());
        }
        long tokens = 0;
        long start = System.nanoTime();
        for (int step = first; step < steps; step++) {
            List<Example> batch = new ArrayList<>();
            for (int b = 0; b < config.batch(); b++) {
                batch.add(data.get(order.next()));
            }
            double weight = 0;
            for (Example e : batch) {
                weight += e.trainedWeight();
            }
            double loss = 0;
            params.forEach(Parameter::zeroGrad);
            for (Example e : batch) {
                if (e.trainedWeight() == 0) {
                    continue; // truncation can cut every trained token off
                }
                Tape tape = new Tape();
                Var l = model.loss(tape, e.tokens(), e.weights(), weight);
                loss += l.value[0];
                tape.backward(l);
                tokens += e.tokens().length - 1;
            }
            double norm = GradientClipping.clip(params, config.maxGradNorm());
            double lr = schedule.at(step);
            adam.step((float) lr);
            if (step == 0) {
                initial = loss;
            }
            last = loss;
            if (policy.every() > 0 && (step + 1) % policy.every() == 0 && step + 1 < steps) {
                new Checkpoint(fingerprint, step + 1, order.epoch, order.pos, initial).write(policy.dir(), params, adam);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double eta = seconds / (step + 1 - first) * (steps - step - 1);
            progress.accept(new TrainingProgress(step + 1, steps, loss, lr, norm, tokens / seconds, eta));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingResult(initial, last, steps, tokens / seconds, lora);
    }

    /** The run's identity for checkpoints: every setting and a hash of the data. */
    private String fingerprint(List<Example> data) {
        long h = 17;
        for (Example e : data) {
            h = h * 31 + java.util.Arrays.hashCode(e.tokens());
            h = h * 31 + java.util.Arrays.hashCode(e.weights());
        }
        return config + " data " + data.size() + "/" + Long.toHexString(h);
    }

    /** Example indices: epoch e visits a permutation seeded by (seed, e), so a position in it is two numbers. */
    static final class DataOrder {
        private final int[] perm;
        private final long seed;
        int epoch;
        int pos;

        DataOrder(int n, long seed) {
            this.perm = new int[n];
            this.seed = seed;
            shuffle(0);
        }

        int next() {
            if (pos == perm.length) {
                shuffle(epoch + 1);
            }
            return perm[pos++];
        }

        void seek(int epoch, int pos) {
            shuffle(epoch);
            this.pos = pos;
        }

        private void shuffle(int e) {
            epoch = e;
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL ^ (e * 0x9E3779B97F4A7C15L));
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            for (int i = perm.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            pos = 0;
        }
    }
}
