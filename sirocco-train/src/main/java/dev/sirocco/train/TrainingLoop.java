package dev.sirocco.train;

import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;
import dev.sirocco.train.checkpoint.Checkpoint;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.model.TrainingModel;
import dev.sirocco.train.optim.AdamW;
import dev.sirocco.train.optim.GradientClipping;
import dev.sirocco.train.schedule.CosineSchedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The training loop: each step runs forward and backward on {@code batch} sequences (their gradients accumulate; the
 * loss is the mean over every trained token of the batch), clips the global gradient norm and takes an AdamW step at
 * the schedule's learning rate. The data order is a seeded shuffle per epoch, so a run is reproducible bit for bit,
 * and with checkpoints it resumes bit for bit.
 */
public final class TrainingLoop {

    /**
     * The loss of the first step's batch before any update, the loss of the last step's batch (before its update),
     * steps taken and throughput (trained-on positions per second).
     */
    public record Outcome(double initialLoss, double finalLoss, int steps, double tokensPerSecond) {
    }

    private TrainingLoop() {
    }

    /**
     * Trains {@code params} (the trainable part of {@code model}) on {@code examples}.
     *
     * @param runIdentity what else makes this run this run (model settings), for checkpoint fingerprints
     */
    public static Outcome run(TrainingModel model, List<Parameter> params, List<Example> examples, TrainingConfig config,
                              String runIdentity, Consumer<TrainingProgress> progress, CheckpointPolicy policy) throws IOException {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        // Examples whose trained tokens all lie beyond --seq-len have nothing left to learn from: leave them out.
        List<Example> data = new ArrayList<>();
        for (Example e : examples) {
            Example t = e.forSeqLen(config.seqLen());
            if (t.trainedWeight() > 0) {
                data.add(t);
            }
        }
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no example has a trained token within the first " + (config.seqLen() + 1)
                    + " tokens (" + examples.get(0).source() + " has its first at token "
                    + firstTrained(examples.get(0)) + "): raise --seq-len");
        }

        AdamW adam = AdamW.standard(params, config.weightDecay());
        int steps = config.stepsFor(data.size());
        CosineSchedule schedule = new CosineSchedule(config.learningRate(), 0, (int) (config.warmupFraction() * steps), steps);
        DataOrder order = new DataOrder(data.size(), config.seed());
        String fingerprint = runIdentity + " " + config + " data " + data.size() + "/" + dataHash(data);

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
                Tape tape = model.newTape();
                Var l = model.loss(tape, e.tokens(), e.weights(), weight);
                loss += l.value[0];
                tape.backward(l);
                tokens += e.tokens().length - 1;
            }
            double norm = GradientClipping.clip(params, config.maxGradNorm(), model.parallel());
            double lr = schedule.at(step);
            adam.step((float) lr, model.parallel());
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
        return new Outcome(initial, last, steps, tokens / seconds);
    }

    private static int firstTrained(Example e) {
        for (int i = 1; i < e.weights().length; i++) {
            if (e.weights()[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    private static String dataHash(List<Example> data) {
        long h = 17;
        for (Example e : data) {
            h = h * 31 + java.util.Arrays.hashCode(e.tokens());
            h = h * 31 + java.util.Arrays.hashCode(e.weights());
        }
        return Long.toHexString(h);
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
