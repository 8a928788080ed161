package dev.sirocco.train.model;

import dev.sirocco.engine.model.Architecture;
import dev.sirocco.engine.model.LayerWeights;
import dev.sirocco.engine.model.Linear;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.model.ModelWeights;
import dev.sirocco.engine.model.Rope;
import dev.sirocco.engine.model.TensorNames;
import dev.sirocco.engine.model.UnsupportedModelException;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.train.autograd.Recompute;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;
import dev.sirocco.train.lora.LoraPair;
import dev.sirocco.train.lora.TrainableLora;
import dev.sirocco.train.ops.Activations;
import dev.sirocco.train.ops.Attention;
import dev.sirocco.train.ops.CrossEntropy;
import dev.sirocco.train.ops.Elementwise;
import dev.sirocco.train.ops.Embeddings;
import dev.sirocco.train.ops.Matmuls;
import dev.sirocco.train.ops.Norms;
import dev.sirocco.train.ops.Rotary;
import dev.sirocco.train.ops.DequantizedWeights;

/**
 * The engine's forward pass (model.Transformer) written with differentiable ops: embedding, per layer RMSNorm →
 * attention (GQA, RoPE, biases, QK-norm, sliding window, post-norm) → residual, RMSNorm → SwiGLU/GeGLU FFN →
 * residual, final norm, output projection. Over the base's frozen weights plus trainable LoRA factors, or with every
 * weight trainable ({@link TrainableWeights}). One sequence per pass, positions from 0. Mixtures of experts are not
 * trainable yet.
 */
public final class TrainingModel {
    private final ModelConfig c;
    private final ModelWeights w;
    private final Kernels kernels;
    private final Parallel parallel;
    private final TrainableLora lora; // null: the base model alone
    private final TrainableWeights full; // null: the base weights are frozen
    private final Rope[] ropes;
    private final DequantizedWeights dequantized;
    private boolean recompute;

    /**
     * F32 copies of frozen weights for a fast backward: up to 3 GiB (all of a small model, part of a large one), and at
     * most half the heap, the half that {@link #needsCheckpointing} leaves to activations being the other. On the 1B
     * model, 3 GiB instead of 1 took QLoRA from 13.1 to 14.3 tokens/s (fewer weights decoded again on every pass).
     */
    static long dequantizedBudgetBytes() {
        return Math.min(3L << 30, Runtime.getRuntime().maxMemory() / 2);
    }

    public TrainingModel(BaseModel base, TrainableLora lora) {
        this(base.config(), base.weights(), base.kernels(), base.parallel(), lora, null);
    }

    /** Full training: every weight of {@code full} is trainable (the base supplies the config and frozen biases). */
    public TrainingModel(BaseModel base, TrainableWeights full) {
        this(base.config(), base.weights(), base.kernels(), base.parallel(), null, full);
    }

    /** @param parallel the kernels' threads, which the element-wise ops share ({@link #newTape()}) */
    public TrainingModel(ModelConfig c, ModelWeights w, Kernels kernels, Parallel parallel, TrainableLora lora, TrainableWeights full) {
        this.c = c;
        this.w = w;
        this.kernels = kernels;
        this.parallel = parallel;
        this.lora = lora;
        this.full = full;
        this.dequantized = new DequantizedWeights(kernels, dequantizedBudgetBytes());
        this.ropes = new Rope[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            if (lw.hasExperts()) {
                throw new UnsupportedModelException("layer " + l + " is a mixture of experts, which training does not support yet");
            }
            boolean swa = c.isSlidingWindowLayer(l);
            ropes[l] = Rope.of(c.architecture().ropeStyle(), c.ropeDim(), swa ? c.ropeBaseSwa() : c.ropeBase(),
                    swa ? 1f : c.ropeScale(), lw.ropeFreqs());
        }
    }

    /**
     * Activation checkpointing: keep only each block's input and recompute the block during backward (one more forward
     * pass per step, memory for one block's activations instead of all of them). Same gradients, bit for bit.
     */
    public TrainingModel withActivationCheckpointing(boolean on) {
        this.recompute = on;
        return this;
    }

    public ModelConfig config() {
        return c;
    }

    /**
     * A rough upper bound of the heap one sequence of {@code positions} takes without activation checkpointing: every
     * block's intermediate values (norms, projections and a LoRA pair's three, attention probabilities, the gated
     * feed-forward) and as much again for their gradients, plus the logits, their gradient and the softmax.
     */
    public static long activationBytes(ModelConfig c, long vocab, int positions) {
        long n = positions;
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * (c.headDim() + c.valueHeadDim());
        long perPosition = 12L * c.dim() + 4L * (q + kv) + 8L * c.ffnDim() + (long) c.heads() * n;
        return 2 * 4 * n * perPosition * c.layers() + 3 * 4 * n * vocab;
    }

    /**
     * Whether a sequence of {@code positions} would take more than half the heap in activations
     * ({@link #activationBytes}): a run then needs activation checkpointing to finish (a 1B model at 512 positions
     * ran out of a 6 GB heap without it).
     */
    public static boolean needsCheckpointing(ModelConfig c, long vocab, int positions) {
        return activationBytes(c, vocab, positions) > Runtime.getRuntime().maxMemory() / 2;
    }

    /** The kernels' threads, which the element-wise ops and the optimizer share. */
    public Parallel parallel() {
        return parallel;
    }

    /** A tape for one pass of this model, whose element-wise ops run on the kernels' threads. */
    public Tape newTape() {
        return new Tape(parallel);
    }

    /** The logits of every position of {@code tokens}: (n, vocab). */
    public Var logits(Tape tape, int[] tokens) {
        float embScale = c.architecture().scalesEmbeddings() ? (float) Math.sqrt(c.dim()) : 1f;
        Var x = full != null  // (n, dim)
                ? Embeddings.lookup(tape, tape.param(full.get(TensorNames.TOKEN_EMBD)), tokens, embScale)
                : Embeddings.lookup(tape, w.tokenEmbedding(), tokens, embScale, kernels);
        for (int l = 0; l < c.layers(); l++) {
            int layer = l;
            x = recompute ? Recompute.apply(tape, x, (t, in) -> block(t, layer, in)) : block(tape, l, x);
        }
        Var h = norm(tape, x, TensorNames.OUTPUT_NORM, w.outputNorm(), c.dim());
        Var logits = full != null  // (n, vocab)
                ? Matmuls.dense(tape, h, tape.param(full.output()), kernels)
                : Matmuls.frozen(tape, h, w.output(), null, kernels, dequantized);
        return c.logitSoftcap() > 0f ? Elementwise.softcap(tape, logits, c.logitSoftcap()) : logits;
    }

    /**
     * Next-token cross-entropy of {@code tokens}: position t predicts {@code tokens[t + 1]} with weight
     * {@code weights[t + 1]}; the weighted sum is divided by {@code normalizer}. Returns the (1, 1) loss.
     */
    public Var loss(Tape tape, int[] tokens, float[] weights, double normalizer) {
        int n = tokens.length - 1;
        int[] input = java.util.Arrays.copyOf(tokens, n);
        int[] targets = java.util.Arrays.copyOfRange(tokens, 1, n + 1);
        float[] w = java.util.Arrays.copyOfRange(weights, 1, n + 1);
        return CrossEntropy.loss(tape, logits(tape, input), targets, w, normalizer);
    }

    /** One transformer block: {@code x + attention(x)}, then {@code + feedForward(..)}. */
    private Var block(Tape tape, int l, Var x) {
        Var h = Elementwise.add(tape, x, attention(tape, l, x));
        return Elementwise.add(tape, h, feedForward(tape, l, h));
    }

    private Var attention(Tape tape, int l, Var x) {
        LayerWeights lw = w.layers().get(l);
        int hd = c.headDim();
        Var h = norm(tape, x, tensorName(l, "attn_norm"), lw.attnNorm(), c.dim());
        Var q = project(tape, h, l, "attn_q", lw.q());   // (n, heads * headDim)
        Var k = project(tape, h, l, "attn_k", lw.k());   // (n, kvHeads * headDim)
        Var v = project(tape, h, l, "attn_v", lw.v());   // (n, kvHeads * valueHeadDim)
        if (lw.qNorm() != null) {
            q = norm(tape, q, tensorName(l, "attn_q_norm"), lw.qNorm(), hd);
        }
        if (lw.kNorm() != null) {
            k = norm(tape, k, tensorName(l, "attn_k_norm"), lw.kNorm(), hd);
        }
        q = Rotary.rope(tape, q, ropes[l], c.heads(), hd, 0);
        k = Rotary.rope(tape, k, ropes[l], c.kvHeads(), hd, 0);
        float scale = c.attentionScale();
        if (c.architecture().scalesQueries()) {
            q = Elementwise.scale(tape, q, scale);
            scale = 1f;
        }
        int window = c.isSlidingWindowLayer(l) ? c.slidingWindow() : 0;
        Var att = Attention.causal(tape, q, k, v, c.heads(), c.kvHeads(), hd, c.valueHeadDim(), scale, window, kernels);
        Var out = project(tape, att, l, "attn_output", lw.o());
        return lw.postAttnNorm() != null ? norm(tape, out, tensorName(l, "post_attention_norm"), lw.postAttnNorm(), c.dim()) : out;
    }

    private Var feedForward(Tape tape, int l, Var x) {
        LayerWeights lw = w.layers().get(l);
        Var h = norm(tape, x, tensorName(l, "ffn_norm"), lw.ffnNorm(), c.dim());
        Var gate = project(tape, h, l, "ffn_gate", lw.gate());
        Var up = project(tape, h, l, "ffn_up", lw.up());
        Var act = c.architecture().activation() == Architecture.Activation.GELU_TANH
                ? Activations.geglu(tape, gate, up) : Activations.swiglu(tape, gate, up);
        Var out = project(tape, act, l, "ffn_down", lw.down());
        return lw.postFfnNorm() != null ? norm(tape, out, tensorName(l, "post_ffw_norm"), lw.postFfnNorm(), c.dim()) : out;
    }

    /** RMSNorm with the trainable gain {@code name} in full training, else the frozen one. */
    private Var norm(Tape tape, Var x, String name, float[] frozenGain, int width) {
        if (full != null && full.get(name) != null) {
            return Norms.rmsNorm(tape, x, tape.param(full.get(name)), c.rmsEps(), width);
        }
        return Norms.rmsNorm(tape, x, frozenGain, c.rmsEps(), width);
    }

    private static String tensorName(int layer, String name) {
        return TensorNames.block(layer, name + ".weight");
    }

    /** {@code W x + b}, plus {@code scale * B (A x)} when this projection is adapted; W trainable in full training. */
    private Var project(Tape tape, Var x, int layer, String name, Linear lin) {
        if (full != null) {
            Var y = Matmuls.dense(tape, x, tape.param(full.get(tensorName(layer, name))), kernels);
            return lin.bias() == null ? y : Elementwise.addRow(tape, y, lin.bias());
        }
        Var y = Matmuls.frozen(tape, x, lin.weight(), lin.bias(), kernels, dequantized);
        LoraPair p = lora != null ? lora.pair(layer, name) : null;
        if (p == null) {
            return y;
        }
        Var ax = Matmuls.dense(tape, x, tape.param(p.a()), kernels);    // (n, rank)
        Var bax = Matmuls.dense(tape, ax, tape.param(p.b()), kernels);  // (n, out)
        return Elementwise.add(tape, y, Elementwise.scale(tape, bax, p.scale()));
    }
}
