package dev.sirocco.train.autograd;

import java.util.function.BiFunction;

/**
 * Activation checkpointing (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost"): a block runs forward
 * on a scratch tape that is dropped at once, so only its input and output stay in memory; its backward step runs the
 * block again on a fresh scratch tape and back-propagates through that. Memory per block falls from every
 * intermediate activation to one input, for one extra forward pass; the gradients are bit-identical.
 */
public final class Recompute {
    private Recompute() {
    }

    /** {@code block(tape, x)} on {@code tape}, checkpointed; {@code block} must be deterministic. */
    public static Var apply(Tape tape, Var x, BiFunction<Tape, Var, Var> block) {
        Tape scratch = new Tape(tape.parallel());
        Var scratchOut = block.apply(scratch, scratch.leaf(x.value, x.rows, x.cols, x.requiresGrad));
        Var out = new Var(scratchOut.rows, scratchOut.cols, scratchOut.value, null, scratchOut.requiresGrad);
        tape.onBackward(out, () -> {
            Tape again = new Tape(tape.parallel());
            Var in = again.leaf(x.value, x.rows, x.cols, x.requiresGrad);
            Var y = block.apply(again, in);
            again.backward(y, out.grad());
            if (x.requiresGrad) {
                float[] dx = x.grad();
                float[] g = in.grad();
                tape.forRange(dx.length, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        dx[i] += g[i];
                    }
                });
            }
        });
        return out;
    }
}
